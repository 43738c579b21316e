import { SystemError } from '../../../lib/errors.ts';
import { readCgroupFile, writeCgroupFile } from '../cgroup-file.ts';
import type { FreezerState } from '../freezer-state.ts';

// cgroup v1 freezer: freezer.state takes FROZEN or THAWED and reads FREEZING until every task
// has stopped. A task in uninterruptible sleep (D state) can keep a cgroup FREEZING for as long
// as it sleeps; like runc, berth then thaws and tries again, and gives up after `timeoutMs`,
// leaving the cgroup thawed rather than half frozen.

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function readV1FreezerState(dir: string): FreezerState {
  const s = readCgroupFile(dir, 'freezer.state').trim();
  if (s === 'FROZEN') return 'frozen';
  if (s === 'FREEZING') return 'freezing';
  return 'thawed';
}

export async function freezeV1(dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    writeCgroupFile(dir, 'freezer.state', 'FROZEN');
    // poll: short waits first, the common case is a few milliseconds
    for (let i = 0; i < 100; i++) {
      if (readV1FreezerState(dir) === 'frozen') return;
      await sleep(Math.min(1 + i, 10));
    }
    if (Date.now() > deadline) {
      writeCgroupFile(dir, 'freezer.state', 'THAWED');
      throw new SystemError('E_CGROUP_FREEZE', `freezing ${dir}: still FREEZING after ${timeoutMs} ms (a task may be in uninterruptible sleep); thawed it again`, 'ETIMEDOUT');
    }
    // a thaw and refreeze gives tasks stuck between signals another chance (runc does this too)
    writeCgroupFile(dir, 'freezer.state', 'THAWED');
    await sleep(Math.min(10 * (attempt + 1), 100));
  }
}

export async function thawV1(dir: string): Promise<void> {
  writeCgroupFile(dir, 'freezer.state', 'THAWED');
  for (let i = 0; i < 1000; i++) {
    if (readV1FreezerState(dir) === 'thawed') return;
    await sleep(Math.min(1 + i, 10));
  }
  throw new SystemError('E_CGROUP_THAW', `thawing ${dir}: freezer.state did not return to THAWED`, 'ETIMEDOUT');
}
