import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { tempDir } from '../../../test/helpers/gnu-tar.ts';
import { layerTar, streamOf } from '../../../test/helpers/layer-tar.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import { LayerDigestError, openLayerStore, type LayerStore } from './layer-store.ts';

const WORKER = new URL('../../../test/helpers/apply-layer-worker.ts', import.meta.url).pathname;
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const chainOf = (parent: string | undefined, diffId: string) => (parent ? sha(`${parent} ${diffId}`) : diffId);

let tmp: { dir: string; cleanup: () => void };
let store: LayerStore;
let root: string;

beforeEach(() => {
  tmp = tempDir('layers');
  root = join(tmp.dir, 'storage');
  store = openLayerStore(root);
});
afterEach(() => tmp.cleanup());

async function bigLayer(files: number, size: number): Promise<Buffer> {
  const items = [];
  for (let i = 0; i < files; i++) items.push({ name: `data/f${i}`, body: Buffer.alloc(size, i % 256) });
  return layerTar([{ name: 'data/' }, ...items]);
}

function runWorker(args: string[]): { done: Promise<{ code: number | null; out: string; err: string }>; kill: () => void; output: () => string; pid: number } {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { done, kill: () => child.kill('SIGKILL'), output: () => out, pid: child.pid! };
}

async function waitFor(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('layer store', () => {
  test('applies a layer once, by chain id, and verifies its diff id', async () => {
    const tar = await layerTar([{ name: 'etc/' }, { name: 'etc/hostname', body: 'berth\n' }]);
    const diffId = sha(tar);
    const r = await store.applyLayer({ chainId: diffId, diffId, tar: streamOf(tar) });
    assert.equal(r.size, 6);
    assert.ok(store.has(diffId));
    assert.equal(readFileSync(join(store.diffDir(diffId), 'etc/hostname'), 'utf8'), 'berth\n');
    assert.equal(readFileSync(join(root, store.shortLink(diffId), 'etc/hostname'), 'utf8'), 'berth\n');
    const [info] = store.list();
    assert.equal(info?.chainId, diffId);
    assert.equal(info?.size, 6);
    assert.ok(!Number.isNaN(Date.parse(info!.created)));

    // present already: a no-op that does not even read the tar
    const untouchable = { [Symbol.asyncIterator]: () => assert.fail('the tar must not be read') } as AsyncIterable<Uint8Array>;
    assert.deepEqual(await store.applyLayer({ chainId: diffId, diffId, tar: untouchable }), { size: 6 });
  });

  test('a tar whose digest is not the diff id leaves nothing', async () => {
    const tar = await layerTar([{ name: 'f', body: 'x' }]);
    const wrong = sha('something else');
    await assert.rejects(store.applyLayer({ chainId: wrong, diffId: wrong, tar: streamOf(tar) }), LayerDigestError);
    assert.equal(store.has(wrong), false);
    assert.deepEqual(readdirSync(join(root, 'layers')), []);
    assert.deepEqual(readdirSync(join(root, 'l')), []);
  });

  test('a hostile tar fails with the entry and the chain id named, and leaves nothing', async () => {
    const tar = await layerTar([{ name: 'a', linkname: '/etc' }, { name: 'a/passwd', body: 'root::0:0::/:/bin/sh\n' }]);
    const id = sha(tar);
    await assert.rejects(store.applyLayer({ chainId: id, diffId: id, tar: streamOf(tar) }), (err: Error) => {
      assert.match(err.message, new RegExp(`^applying layer ${id}: layer entry "a/passwd": parent "a" is or goes through a symbolic link$`));
      return true;
    });
    assert.deepEqual(readdirSync(join(root, 'layers')), []);
  });

  test('a child needs its parent; a parent with a child cannot be removed', async () => {
    const baseTar = await layerTar([{ name: 'bin/' }, { name: 'bin/sh', body: 'sh', mode: 0o755 }]);
    const base = sha(baseTar);
    const childTar = await layerTar([{ name: 'bin/ls', type: 'hardlink', linkname: 'bin/sh' }]);
    const child = chainOf(base, sha(childTar));
    await assert.rejects(store.applyLayer({ chainId: child, parent: base, diffId: sha(childTar), tar: streamOf(childTar) }), NotFoundError);
    await store.applyLayer({ chainId: base, diffId: base, tar: streamOf(baseTar) });
    await store.applyLayer({ chainId: child, parent: base, diffId: sha(childTar), tar: streamOf(childTar) });
    assert.equal(readFileSync(join(store.diffDir(child), 'bin/ls'), 'utf8'), 'sh', 'hard link to the parent layer copied up');
    assert.equal(store.get(child)?.parent, base);
    assert.throws(() => store.remove(base), (err: unknown) => err instanceof ConflictError && /is the parent of layer/.test(err.message));
    store.remove(child);
    store.remove(base);
    assert.deepEqual(store.list(), []);
    assert.deepEqual(readdirSync(join(root, 'layers')), []);
    assert.deepEqual(readdirSync(join(root, 'l')), []);
    assert.deepEqual(readdirSync(join(root, 'locks')), []);
    assert.throws(() => store.remove(base), NotFoundError);
  });

  test('a writer killed mid-layer leaves an incomplete layer that repair() removes, but only once it is dead', async () => {
    const tar = await bigLayer(40, 64 * 1024);
    const tarFile = join(tmp.dir, 'layer.tar');
    writeFileSync(tarFile, tar);
    const id = sha(tar);
    const w = runWorker([root, id, id, tarFile, '--hang-after', String(1 << 20)]);
    try {
      await waitFor('the worker to hang mid-layer', () => w.output().includes('hanging'));
      const dir = join(root, 'layers', id.slice(7));
      assert.ok(existsSync(join(dir, 'incomplete')));
      assert.equal(store.has(id), false);
      assert.deepEqual(store.repair(), [], 'a layer whose writer is alive is left alone');
      assert.ok(existsSync(dir));
    } finally {
      w.kill();
      await w.done;
    }
    assert.deepEqual(store.repair(), [id]);
    assert.equal(existsSync(join(root, 'layers', id.slice(7))), false);
    assert.deepEqual(store.repair(), []);
    // and the layer can be applied afresh
    await store.applyLayer({ chainId: id, diffId: id, tar: streamOf(tar) });
    assert.ok(store.has(id));
  });

  test('two processes applying the same chain id at once: one writes, the other waits and finds it', async () => {
    const tar = await bigLayer(20, 64 * 1024);
    const tarFile = join(tmp.dir, 'layer.tar');
    writeFileSync(tarFile, tar);
    const id = sha(tar);
    const a = runWorker([root, id, id, tarFile, '--delay', '5']);
    const b = runWorker([root, id, id, tarFile, '--delay', '5']);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.code, 0, ra.err);
    assert.equal(rb.code, 0, rb.err);
    assert.deepEqual(JSON.parse(ra.out), { size: 20 * 64 * 1024 });
    assert.deepEqual(JSON.parse(rb.out), { size: 20 * 64 * 1024 });
    assert.deepEqual(store.list().map((l) => l.chainId), [id]);
    assert.deepEqual(readdirSync(join(root, 'layers')), [id.slice(7)], 'no temp or removal leftovers');
    assert.deepEqual(readdirSync(join(root, 'layers', id.slice(7))).sort(), ['diff', 'layer.json']);
    for (let i = 0; i < 20; i++) assert.deepEqual(readFileSync(join(store.diffDir(id), `data/f${i}`)), Buffer.alloc(64 * 1024, i));
  });

  test('a layer being written cannot be removed', async () => {
    const tar = await bigLayer(10, 64 * 1024);
    const tarFile = join(tmp.dir, 'layer.tar');
    writeFileSync(tarFile, tar);
    const id = sha(tar);
    const w = runWorker([root, id, id, tarFile, '--hang-after', String(256 * 1024)]);
    try {
      await waitFor('the worker to hang', () => w.output().includes('hanging'));
      assert.throws(() => store.remove(id), (err: unknown) => err instanceof ConflictError && /being written by another process/.test(err.message));
    } finally {
      w.kill();
      await w.done;
    }
    store.repair();
  });
});
