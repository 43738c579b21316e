// Test helper: builds go-oracle.go once (cached under .cache/go-oracle/<hash>/) and runs a batch
// of cases through Go's own text/template, fmt and text/tabwriter. Tests skip, saying why, when
// no Go toolchain is installed (install.sh installs Debian's golang-go).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoFloat, isPlainObject, isStruct } from '../go-template/go-values.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..', '..');

export interface OracleCase {
  kind?: 'template' | 'table' | 'tabwriter';
  name?: string;
  template?: string;
  data?: unknown; // already encoded with encodeGoData
  rows?: unknown[];
  headers?: unknown;
  missingKey?: string;
  header?: boolean;
  input?: string;
  minwidth?: number;
  tabwidth?: number;
  padding?: number;
  padchar?: string;
  flags?: number;
}

export interface OracleResult {
  out: Buffer;
  err: string | null;
}

function findGo(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/lib/go/bin', '/usr/local/go/bin'])) {
    if (dir !== '' && existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  return null;
}

let cached: { binary: string; version: string } | null | undefined;

function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GO111MODULE: 'on',
    GOCACHE: join(repo, '.cache', 'go-build'),
    GOPATH: join(repo, '.cache', 'go-path'),
  };
}

// The oracle binary and the Go version it was built with, or null without a Go toolchain.
export function goOracle(): { binary: string; version: string } | null {
  if (cached !== undefined) return cached;
  const go = findGo();
  if (go === null) return (cached = null);
  const version = execFileSync(go, ['version'], { encoding: 'utf8', env: goEnv() }).trim();
  const source = readFileSync(join(here, 'go-oracle.go'), 'utf8');
  const hash = createHash('sha256').update(version).update(source).digest('hex').slice(0, 16);
  const dir = join(repo, '.cache', 'go-oracle', hash);
  const binary = join(dir, 'oracle');
  if (!existsSync(binary)) {
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'main.go'), source);
    writeFileSync(join(tmp, 'go.mod'), 'module berth.test/go-oracle\n\ngo 1.19\n');
    execFileSync(go, ['build', '-o', 'oracle', '.'], { cwd: tmp, env: goEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      renameSync(tmp, dir);
    } catch {
      // another test file built it first
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return (cached = { binary, version });
}

// Runs the cases through Go; results in the same order.
export function runOracle(cases: readonly OracleCase[]): OracleResult[] {
  const oracle = goOracle();
  if (oracle === null) throw new Error('no go toolchain');
  const r = spawnSync(oracle.binary, [], { input: JSON.stringify(cases), maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`go oracle failed: ${r.stderr.toString()}`);
  const results = JSON.parse(r.stdout.toString()) as Array<{ out: string; err: string | null }>;
  return results.map((x) => ({ out: Buffer.from(x.out, 'base64'), err: x.err }));
}

// Encodes TS data as the oracle's tagged tree, applying the same type rules as go-values.ts
// (the Go side derives []string and map[string]string itself).
export function encodeGoData(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string': return { s: v };
    case 'boolean': return { b: v };
    case 'bigint': return { i64: String(v) };
    case 'number': return Number.isSafeInteger(v) ? { i: String(v) } : { f: String(v) };
  }
  if (v instanceof GoFloat) return { f: String(v.value) };
  if (Array.isArray(v)) return { a: v.map(encodeGoData) };
  if (v instanceof Map) {
    const entries = [...v].filter(([, x]) => x !== undefined);
    if (entries.every(([k]) => typeof k === 'number')) return { mi: entries.map(([k, x]) => [k, encodeGoData(x)]) };
    return { m: entries.map(([k, x]) => [String(k), encodeGoData(x)]) };
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (isStruct(v) || !isPlainObject(v)) return { st: entries.map(([k, x]) => [k, encodeGoData(x)]) };
    return { m: entries.map(([k, x]) => [k, encodeGoData(x)]) };
  }
  throw new Error(`cannot encode ${typeof v} for the go oracle`);
}
