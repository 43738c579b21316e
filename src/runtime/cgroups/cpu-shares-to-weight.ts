// linux.resources.cpu.shares is a cgroup v1 value, [2, 262144] with 1024 the default; cgroup v2
// has cpu.weight, [1, 10000] with 100 the default. This is the one place that converts.
//
// crun long used the linear map `1 + ((shares - 2) * 9999) / 262142` (runc too, up to 1.3.1),
// which sends the v1 default 1024 to 39, not 100: every container with default shares ran at
// a weight of 39 against host services at 100 (kubernetes/kubernetes#131216). runc 1.3.2/1.4
// (opencontainers/cgroups#20) and crun (containers/crun#1767) now use a quadratic in log2(shares)
// fitted through the three anchors (2 -> 1, 1024 -> 100, 262144 -> 10000), rounded up. berth
// uses the current formula, so it writes the same cpu.weight as the runc and crun of today:
//   2 -> 1, 1024 -> 100, 2000 -> 170, 262144 -> 10000 (the linear map gave 1, 39, 77, 10000).
// 0 means "not set" (docker writes 0 for no --cpu-shares) and stays 0: the caller writes nothing.
export function convertCpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  const exponent = (l * l + 125 * l) / 612 - 7 / 34;
  return Math.ceil(10 ** exponent);
}
