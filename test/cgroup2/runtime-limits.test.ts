import { test } from 'node:test';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';
import { registerLimitTests } from '../helpers/cgroup-limit-scenarios.ts';

// berth-runtime's limits on a cgroup v2-only kernel (in the guest of scripts/in-cgroup2-vm.sh).
// The user-mode-linux guest has one CPU and no cpuset controller, so that scenario is not
// registered there rather than skipped (the launcher requires no skips inside the guest).
const layout = hostCgroupLayout();
if (layout.mode === 'v2') {
  registerLimitTests({ cpuset: layout.hierarchies[0]!.controllers.includes('cpuset') });
} else {
  test('berth-runtime limits on cgroup v2', (t) => t.skip('needs a cgroup v2-only host: test/runtime/cgroups-v2-vm.test.ts runs this in a guest'));
}
