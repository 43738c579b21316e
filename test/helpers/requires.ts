import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

// Skips a test with a stated reason when the machine lacks what it needs (runc's `requires`,
// crun's exit 77). Returns true when the test must stop.
export function requires(t: TestContext, what: { root?: boolean; file?: string; reason?: string }): boolean {
  if (what.root && process.getuid?.() !== 0) {
    t.skip('needs root');
    return true;
  }
  if (what.file && !existsSync(what.file)) {
    t.skip(what.reason ?? `needs ${what.file}`);
    return true;
  }
  return false;
}
