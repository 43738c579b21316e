// Push benchmark: the same four-layer image of real files pushed to a fresh docker-registry on
// 127.0.0.1 (a new registry per run, so no blob is already there and nothing can be mounted):
// `berth push` from its store, `podman push` from its store (it must re-create and compress the
// layer tars from unpacked files) and `skopeo copy` from an OCI directory, median of N.
// Each timed run starts after sync(1), so that no tool pays for writing back another's data
// (berth's layer store syncs the file system once per layer; podman does not sync).
// Usage: node_modules/.bin/node bench/push.ts [iterations=5]   (root; podman and skopeo are installed from Debian when missing)
import { join } from 'node:path';
import { startRegistry } from '../test/helpers/registry.ts';
import { REPO } from '../test/helpers/busybox-rootfs.ts';
import { benchPlace, buildBenchLayout, ensurePeers, freshDir, has, median, pushLayout, run, timeIt } from './bench-image.ts';

const N = Number(process.argv[2] ?? 5);
ensurePeers();
const BERTH = join(REPO, 'dist', 'berth');
const src = await startRegistry();
const { layout, tarBytes, cleanup } = buildBenchLayout();
const berthRoot = freshDir('bench-berth-');
const podmanRoot = freshDir('bench-podman-');
const pbase = ['--root', join(podmanRoot.dir, 'root'), '--runroot', join(podmanRoot.dir, 'run'), '--storage-driver', 'overlay', '--cgroup-manager', 'cgroupfs', '--events-backend', 'none'];
try {
  const ref = `${src.host}/bench/app:v1`;
  await pushLayout(layout, ref);
  run(BERTH, ['--root', berthRoot.dir, 'pull', '-q', ref]);
  const usePodman = has('podman');
  if (usePodman) run('podman', [...pbase, 'pull', '-q', '--tls-verify=false', ref]);
  const times: Record<string, number[]> = { berth: [], podman: [], skopeo: [] };
  for (let i = 0; i < N; i++) {
    {
      const dst = await startRegistry();
      run(BERTH, ['--root', berthRoot.dir, 'tag', ref, `${dst.host}/bench/app:v1`]);
      run('sync', []);
      times['berth']!.push(timeIt(() => run(BERTH, ['--root', berthRoot.dir, 'push', '-q', `${dst.host}/bench/app:v1`])));
      run(BERTH, ['--root', berthRoot.dir, 'rmi', `${dst.host}/bench/app:v1`]);
      await dst.stop();
    }
    if (usePodman) {
      const dst = await startRegistry();
      run('sync', []);
      times['podman']!.push(timeIt(() => run('podman', [...pbase, 'push', '-q', '--tls-verify=false', ref, `${dst.host}/bench/app:v1`])));
      await dst.stop();
    }
    if (has('skopeo')) {
      const dst = await startRegistry();
      run('sync', []);
      times['skopeo']!.push(timeIt(() => run('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', `oci:${layout}:bench`, `docker://${dst.host}/bench/app:v1`])));
      await dst.stop();
    }
  }
  const b = median(times['berth']!);
  process.stdout.write(`push of a 4-layer image (${(tarBytes / 1e6).toFixed(1)} MB of files) to a fresh docker-registry on 127.0.0.1 from stores on ${benchPlace()}, median of ${N}\n`);
  for (const [tool, xs] of Object.entries(times)) {
    if (xs.length === 0) continue;
    const m = median(xs);
    process.stdout.write(`${tool.padEnd(8)} ${m.toFixed(0).padStart(6)} ms   ${tool === 'berth' ? '' : `berth is ${(m / b).toFixed(2)}x faster`}\n`);
  }
} finally {
  if (has('podman')) run('podman', [...pbase, 'system', 'reset', '-f']);
  berthRoot.cleanup();
  podmanRoot.cleanup();
  cleanup();
  await src.stop();
}
