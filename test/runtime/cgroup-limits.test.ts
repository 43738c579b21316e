import { registerLimitTests } from '../helpers/cgroup-limit-scenarios.ts';

// On this host (v1 or hybrid). The same scenarios run on cgroup v2 in the guest
// (test/cgroup2/runtime-limits.test.ts, launched by test/runtime/cgroups-v2-vm.test.ts).
registerLimitTests({ cpuset: true });
