import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../../src/oci/runtime-spec.ts';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';
import { resolveCgroupDirs } from '../../src/runtime/cgroups/placement.ts';
import { makeBundle, type Bundle } from './bundle.ts';
import { runtime, stateRoot, type Result } from './runtime-cli.ts';

let counter = 0;

// Ids carry the test process's pid, so a leak names the test run that made it.
export function uniqueId(prefix = 't'): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

export interface Env {
  id: string;
  bundle: Bundle;
  root: string;
  rt(...args: string[]): Result;
  cleanup(): void;
}

// A bundle, a state root and an id of its own; cleanup() deletes the container if it is still
// there, then checks that nothing of it is left on the host.
export function containerEnv(mutate: (spec: Spec) => void = () => {}): Env {
  const id = uniqueId();
  const bundle = makeBundle(mutate);
  const state = stateRoot();
  return {
    id,
    bundle,
    root: state.root,
    rt: (...args: string[]) => runtime(state.root, args, { cwd: bundle.dir }),
    cleanup() {
      if (existsSync(join(state.root, id))) runtime(state.root, ['delete', '--force', id]);
      assertNoLeaks(id, state.root, bundle.dir);
      state.remove();
      bundle.remove();
    },
  };
}

// `run` in a fresh bundle: the container's output and exit code; the container is gone after.
export function runInContainer(mutate: (spec: Spec) => void, extraArgs: string[] = []): Result {
  const env = containerEnv(mutate);
  try {
    return env.rt('run', ...extraArgs, env.id);
  } finally {
    env.cleanup();
  }
}

export function shell(script: string): (spec: Spec) => void {
  return (spec) => {
    spec.process!.args = ['sh', '-c', script];
  };
}

export function assertNoLeaks(id: string, root: string, bundleDir: string): void {
  assert.equal(existsSync(join(root, id)), false, `state of ${id} left in ${root}`);
  for (const dir of resolveCgroupDirs(hostCgroupLayout(), undefined, id)) {
    assert.equal(existsSync(dir.path), false, `cgroup ${dir.path} left behind`);
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(bundleDir));
  assert.deepEqual(mounts, [], `mounts of ${bundleDir} left behind`);
}
