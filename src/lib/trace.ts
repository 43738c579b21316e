// BERTH_TRACE=1 prints milestones with the milliseconds since the process started: how start-up
// time is measured and kept small.
import { writeSync } from 'node:fs';

const enabled = process.env['BERTH_TRACE'] === '1';

export function mark(label: string): void {
  if (enabled) writeSync(2, `trace ${performance.now().toFixed(1)} ms ${label}\n`);
}
