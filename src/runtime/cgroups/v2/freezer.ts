import { SystemError } from '../../../lib/errors.ts';
import { parseFlatKeyed, readCgroupFile, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import type { FreezerState } from '../freezer-state.ts';

// cgroup v2 freezer: cgroup.freeze takes 1 or 0; the cgroup is frozen when cgroup.events says
// "frozen 1" (every task stopped). Present in every non-root cgroup, no controller to enable.

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function readV2FreezerState(dir: string): FreezerState {
  const want = readCgroupFileIfExists(dir, 'cgroup.freeze')?.trim();
  if (want === undefined || want === '0') return 'thawed';
  const frozen = parseFlatKeyed(readCgroupFile(dir, 'cgroup.events')).get('frozen');
  return frozen === '1' ? 'frozen' : 'freezing';
}

async function waitFrozen(dir: string, want: '0' | '1', timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    if (parseFlatKeyed(readCgroupFile(dir, 'cgroup.events')).get('frozen') === want) return true;
    if (Date.now() > deadline) return false;
    await sleep(Math.min(1 + i, 10));
  }
}

export async function freezeV2(dir: string, timeoutMs = 10_000): Promise<void> {
  writeCgroupFile(dir, 'cgroup.freeze', '1');
  if (await waitFrozen(dir, '1', timeoutMs)) return;
  writeCgroupFile(dir, 'cgroup.freeze', '0');
  throw new SystemError('E_CGROUP_FREEZE', `freezing ${dir}: cgroup.events did not report "frozen 1" within ${timeoutMs} ms; thawed it again`, 'ETIMEDOUT');
}

export async function thawV2(dir: string, timeoutMs = 10_000): Promise<void> {
  writeCgroupFile(dir, 'cgroup.freeze', '0');
  if (await waitFrozen(dir, '0', timeoutMs)) return;
  throw new SystemError('E_CGROUP_THAW', `thawing ${dir}: cgroup.events still reports "frozen 1" after ${timeoutMs} ms`, 'ETIMEDOUT');
}
