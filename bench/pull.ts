// Pull benchmark: a four-layer image of real files (tens of MB) from a docker-registry on
// 127.0.0.1 into a fresh store, berth against `podman pull` (download + unpack into overlay
// storage, the same work) and `skopeo copy` to an OCI directory (download and verify only, no
// unpacking: a floor), in the same run, alternating, median of N.
// Each timed run starts after sync(1), so that no tool pays for writing back another's data
// (berth's layer store syncs the file system once per layer; podman does not sync).
// Usage: node_modules/.bin/node bench/pull.ts [iterations=5]   (root; podman and skopeo are installed from Debian when missing)
import { join } from 'node:path';
import { startRegistry } from '../test/helpers/registry.ts';
import { REPO } from '../test/helpers/busybox-rootfs.ts';
import { benchPlace, buildBenchLayout, ensurePeers, freshDir, has, median, pushLayout, run, timeIt } from './bench-image.ts';

const N = Number(process.argv[2] ?? 5);
ensurePeers();
const BERTH = join(REPO, 'dist', 'berth');
const reg = await startRegistry();
const { layout, tarBytes, cleanup } = buildBenchLayout();
try {
  await pushLayout(layout, `${reg.host}/bench/app:v1`);
  const ref = `${reg.host}/bench/app:v1`;
  const times: Record<string, number[]> = { berth: [], podman: [], skopeo: [] };
  for (let i = 0; i < N; i++) {
    {
      const d = freshDir('bench-berth-');
      run('sync', []);
      times['berth']!.push(timeIt(() => run(BERTH, ['--root', d.dir, 'pull', '-q', ref])));
      d.cleanup();
    }
    if (has('podman')) {
      const d = freshDir('bench-podman-');
      const base = ['--root', join(d.dir, 'root'), '--runroot', join(d.dir, 'run'), '--storage-driver', 'overlay', '--cgroup-manager', 'cgroupfs', '--events-backend', 'none'];
      run('sync', []);
      times['podman']!.push(timeIt(() => run('podman', [...base, 'pull', '-q', '--tls-verify=false', ref])));
      run('podman', [...base, 'system', 'reset', '-f']);
      d.cleanup();
    }
    if (has('skopeo')) {
      const d = freshDir('bench-skopeo-');
      run('sync', []);
      times['skopeo']!.push(timeIt(() => run('skopeo', ['--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${d.dir}:x`])));
      d.cleanup();
    }
  }
  const b = median(times['berth']!);
  process.stdout.write(`pull of a 4-layer image (${(tarBytes / 1e6).toFixed(1)} MB of files) from docker-registry on 127.0.0.1 into stores on ${benchPlace()}, median of ${N}\n`);
  for (const [tool, xs] of Object.entries(times)) {
    if (xs.length === 0) continue;
    const m = median(xs);
    process.stdout.write(`${tool.padEnd(8)} ${m.toFixed(0).padStart(6)} ms   ${tool === 'berth' ? '' : `berth is ${(m / b).toFixed(2)}x faster`}\n`);
  }
} finally {
  cleanup();
  await reg.stop();
}
