import { SystemError } from '../../../lib/errors.ts';
import { readCgroupFile, writeCgroupFile } from '../cgroup-file.ts';
import type { FreezerState } from '../freezer-state.ts';

// cgroup v1 freezer: freezer.state takes FROZEN or THAWED and reads FREEZING until every task
// has stopped. New tasks forking meanwhile, or one in uninterruptible sleep, can keep it
// FREEZING; like runc, berth writes FROZEN again on every poll, thaws briefly now and then so
// stragglers get through, and after `timeoutMs` gives up and leaves the cgroup thawed rather
// than half frozen.

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function readV1FreezerState(dir: string): FreezerState {
  const s = readCgroupFile(dir, 'freezer.state').trim();
  if (s === 'FROZEN') return 'frozen';
  if (s === 'FREEZING') return 'freezing';
  return 'thawed';
}

export async function freezeV1(dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    writeCgroupFile(dir, 'freezer.state', 'FROZEN');
    if (readV1FreezerState(dir) === 'frozen') return;
    if (Date.now() >= deadline) break;
    if (i % 25 === 24) {
      writeCgroupFile(dir, 'freezer.state', 'THAWED');
      await sleep(10);
    } else {
      await sleep(Math.min(1 + i, 10));
    }
  }
  writeCgroupFile(dir, 'freezer.state', 'THAWED');
  throw new SystemError('E_CGROUP_FREEZE', `freezing ${dir}: still FREEZING after ${timeoutMs} ms (a task may be in uninterruptible sleep); thawed it again`, 'ETIMEDOUT');
}

export async function thawV1(dir: string): Promise<void> {
  writeCgroupFile(dir, 'freezer.state', 'THAWED');
  for (let i = 0; i < 1000; i++) {
    if (readV1FreezerState(dir) === 'thawed') return;
    await sleep(Math.min(1 + i, 10));
  }
  throw new SystemError('E_CGROUP_THAW', `thawing ${dir}: freezer.state did not return to THAWED`, 'ETIMEDOUT');
}
