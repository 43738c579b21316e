// berth's layer unpacker against GNU tar: both extract the same real tar (GNU tar's own archive,
// pax format, of a directory of real files from this machine, /usr/lib/python3.11 by default)
// into a fresh directory on the same file system, runs alternating so load affects both alike.
// Both keep owners, modes, mtimes and xattrs (GNU tar with -p --xattrs as root). berth is timed
// in-process (applyLayerTar from a file stream, koffi already loaded); GNU tar as a process.
// Prints medians and the ratio.
// Usage: node bench/unpack.ts [--runs 9] [--src /usr/lib/python3.11] [--dir /dev/shm]
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyLayerTar } from '../src/storage/archive/apply-layer.ts';

const arg = (name: string, def: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : def);
const runs = Number(arg('--runs', '9'));
const src = arg('--src', '/usr/lib/python3.11');
// --dir picks the file system (default the temp dir); /dev/shm takes the disk out of the figure
const work = mkdtempSync(join(arg('--dir', tmpdir()), 'berth-bench-unpack-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

try {
  const tar = join(work, 'layer.tar');
  const made = spawnSync('tar', ['--format=pax', '--xattrs', '--xattrs-include=*', '-cf', tar, '-C', src, '.']);
  if (made.status !== 0) throw new Error(`tar -c failed: ${made.stderr}`);
  const files = spawnSync('tar', ['-tf', tar], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n').filter(Boolean).length;
  console.log(`archive: ${src}, ${(statSync(tar).size / 1e6).toFixed(1)} MB, ${files} entries; ${runs} runs each, alternating`);

  const berth: number[] = [];
  const gnu: number[] = [];
  // warm-up: page cache for the tar, koffi loaded, JIT warmed, like a pull of several layers
  for (const i of [-1]) {
    const d = join(work, `warm${i}`);
    mkdirSync(d);
    await applyLayerTar({ target: d, tar: createReadStream(tar, { highWaterMark: 1 << 20 }) });
    rmSync(d, { recursive: true });
  }
  for (let i = 0; i < runs; i++) {
    const a = join(work, `berth${i}`);
    mkdirSync(a);
    let t = process.hrtime.bigint();
    await applyLayerTar({ target: a, tar: createReadStream(tar, { highWaterMark: 1 << 20 }) });
    berth.push(Number(process.hrtime.bigint() - t) / 1e6);
    rmSync(a, { recursive: true });

    const g = join(work, `gnu${i}`);
    mkdirSync(g);
    t = process.hrtime.bigint();
    const r = spawnSync('tar', ['-xpf', tar, '--xattrs', '--xattrs-include=*', '--numeric-owner', '-C', g]);
    gnu.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`tar -x failed: ${r.stderr}`);
    rmSync(g, { recursive: true });
  }
  const mb = median(berth);
  const mg = median(gnu);
  console.log(`berth applyLayerTar  median ${mb.toFixed(1)} ms  (runs: ${berth.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`GNU tar -xp          median ${mg.toFixed(1)} ms  (runs: ${gnu.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`ratio berth / GNU tar: ${(mb / mg).toFixed(2)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
