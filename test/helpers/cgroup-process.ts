import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { CgroupDir } from '../../src/runtime/cgroups/placement.ts';

// A shell that first moves itself into the given cgroups (every hierarchy, as the helper's
// OP_CGROUP_ENTER does for a container) and then runs `script`. Its output is collected.
export interface CgroupProcess {
  child: ChildProcess;
  output(): string;
  // the exit status as a shell reports it: 128 + the signal for a killed process
  exited: Promise<number | null>;
}

export function spawnInCgroups(dirs: readonly CgroupDir[], script: string): CgroupProcess {
  const procs = dirs.map((d) => join(d.path, 'cgroup.procs'));
  const child = spawn('/bin/sh', ['-c', `for f in "$@"; do echo $$ > "$f" || exit 99; done; ${script}`, 'sh', ...procs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : null))),
  );
  return { child, output: () => out, exited };
}

// Waits until `check` holds or `ms` pass.
export async function waitFor(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}
