// Runs the built berth (dist/berth) against a temporary root, podman's run_podman style: the
// expected exit status is part of the call, and a mismatch fails with the output in view.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './busybox-rootfs.ts';

export const BERTH = join(REPO, 'dist', 'berth');

export interface BerthResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BerthEnv {
  root: string;
  config: string;          // DOCKER_CONFIG for credentials
  env: Record<string, string>;
  cleanup(): void;
}

export function berthEnv(extra: Record<string, string> = {}): BerthEnv {
  const base = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const root = join(base, 'root');
  const config = join(base, 'docker-config');
  return {
    root,
    config,
    env: { ...process.env, BERTH_ROOT: root, DOCKER_CONFIG: config, BERTH_REGISTRY_RETRY_BASE_MS: '20', BERTH_REGISTRIES_CONF: join(base, 'none.json'), ...extra } as Record<string, string>,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

export function berthBuilt(): boolean {
  return existsSync(BERTH);
}

// Synchronous: use only against registries that run in another process (no token server).
export function berthSync(e: BerthEnv, expected: number, args: string[], input?: Buffer | string): BerthResult {
  const r = spawnSync(BERTH, args, { env: e.env, input: input ?? '', maxBuffer: 1 << 28 });
  const res = { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  if (r.status !== expected) throw new Error(`berth ${args.join(' ')}: exit ${r.status}, expected ${expected}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res;
}

export function berth(e: BerthEnv, expected: number, args: string[], o: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<BerthResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(BERTH, args, { env: { ...e.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.stdin.on('error', () => undefined);
    p.stdin.end(o.input ?? '');
    p.on('error', reject);
    p.on('close', (status) => {
      const res = { status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      if (status !== expected) reject(new Error(`berth ${args.join(' ')}: exit ${status}, expected ${expected}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`));
      else resolve(res);
    });
  });
}

// The store must be readable and whole: no incomplete layer, no partial download left behind
// unless `partialsAllowed`, every record's blobs and layers present.
export function checkStoreConsistent(root: string, o: { partialsAllowed?: boolean } = {}): string[] {
  const problems: string[] = [];
  const layersDir = join(root, 'storage', 'layers');
  const r = spawnSync('sh', ['-c', `ls -a ${layersDir}/*/incomplete 2>/dev/null; ls -a ${join(root, 'image', 'content', 'ingest')} 2>/dev/null | grep -v '^\\.\\.\\?$'`], { encoding: 'utf8' });
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    if (line.endsWith('incomplete')) problems.push(`incomplete layer: ${line}`);
    else if (!o.partialsAllowed) problems.push(`partial download left: ${line}`);
  }
  return problems;
}

export { rmSync };
