// BERTH_TRACE=1 prints milestones with the milliseconds since the process started: how start-up
// time is measured and kept small.
//
// BERTH_CRASH_AT=<milestone> kills the process (SIGKILL) when it reaches that milestone: the
// crash tests' failpoint (test/cli/crash-repair.test.ts), so that "berth died right after it
// mounted the rootfs" is a repeatable case rather than a lucky timing.
import { writeSync } from 'node:fs';

const enabled = process.env['BERTH_TRACE'] === '1';
const crashAt = process.env['BERTH_CRASH_AT'];

export function mark(label: string): void {
  if (enabled) writeSync(2, `trace ${performance.now().toFixed(1)} ms ${label}\n`);
  if (crashAt !== undefined && label === crashAt) process.kill(process.pid, 'SIGKILL');
}
