// The local store through the CLI, no registry: the offline busybox seed, tag and rmi (untag vs
// delete, docker's conflicts and exit codes), images listing (-q, --digests, --filter,
// --format), prune and garbage collection of blobs and layers, system df, --root / BERTH_ROOT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { layerTar } from '../helpers/oci-image.ts';
import { berth, berthBuilt, berthEnv, checkStoreConsistent, type BerthEnv } from '../helpers/berth-cli.ts';
import { REPO } from '../helpers/busybox-rootfs.ts';
import { requires } from '../helpers/requires.ts';

const run = promisify(execFile);
let env: BerthEnv;
const skip = !existsSync('/bin/busybox') || !berthBuilt();

before(async () => {
  if (skip) return;
  env = berthEnv();
  await run(`${REPO}/node_modules/.bin/node`, [`${REPO}/scripts/seed-busybox-image.ts`, '--root', env.root]);
});
after(() => env?.cleanup());

const layerDirs = (root: string): string[] => readdirSync(join(root, 'storage', 'layers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
const blobs = (root: string): string[] => readdirSync(join(root, 'image', 'content', 'blobs', 'sha256'));

test('the offline seed: busybox:latest with a working shell layout', async (t) => {
  if (skip) return t.skip('needs busybox-static and a built dist/berth');
  const r = await berth(env, 0, ['images']);
  assert.match(r.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox\s+latest\s+[0-9a-f]{12}\s+.+ ago\s+\d/);
  const i = JSON.parse((await berth(env, 0, ['image', 'inspect', 'busybox:latest'])).stdout)[0];
  assert.deepEqual(i.RepoTags, ['busybox:latest']);
  assert.deepEqual(i.Config.Cmd, ['sh']);
  const diff = join(env.root, 'storage', 'layers', i.RootFS.Layers[0].slice(7), 'diff');
  assert.equal(readlinkSync(join(diff, 'bin', 'sh')), '/bin/busybox');
  assert.ok(existsSync(join(diff, 'etc', 'passwd')));
  // seeding again is a no-op with the same id
  const { stdout } = await run(`${REPO}/node_modules/.bin/node`, [`${REPO}/scripts/seed-busybox-image.ts`, '--root', env.root]);
  assert.ok(stdout.startsWith(i.Id));
});

test('tag and rmi: untag while other names remain, delete with the last, conflicts', async (t) => {
  if (skip) return t.skip('needs busybox-static and a built dist/berth');
  const id = (await berth(env, 0, ['images', '-q', 'busybox'])).stdout.trim();
  await berth(env, 0, ['tag', 'busybox', 'one/bb:1']);
  await berth(env, 0, ['tag', id, 'two/bb']);
  assert.equal((await berth(env, 0, ['images', '-q'])).stdout, `${id}\n${id}\n${id}\n`);
  const conflict = await berth(env, 1, ['rmi', id]);
  assert.match(conflict.stderr, new RegExp(`^Error: conflict: unable to delete ${id} \\(must be forced\\) - image is referenced in multiple repositories$`, 'm'));
  assert.equal((await berth(env, 0, ['rmi', 'one/bb:1'])).stdout, 'Untagged: one/bb:1\n');
  const missing = await berth(env, 1, ['rmi', 'nope:1', 'two/bb']);
  assert.equal(missing.stdout, 'Untagged: two/bb:latest\n');
  assert.equal(missing.stderr, 'Error: no such image: nope:1\n');
  const badTag = await berth(env, 1, ['tag', 'busybox', 'Bad:tag']);
  assert.match(badTag.stderr, /must be lowercase/);
  const noSource = await berth(env, 1, ['tag', 'ghost', 'x']);
  assert.equal(noSource.stderr, 'Error: no such image: ghost\n');
});

test('images: filters, digests and formats', async (t) => {
  if (skip) return t.skip('needs busybox-static and a built dist/berth');
  await berth(env, 0, ['import', '-c', 'LABEL team=a', '-', 'lab/one:v1'], { input: layerTar({ 'one': '1' }) });
  await berth(env, 0, ['import', '-', 'lab/two:v2'], { input: layerTar({ 'two': '2' }) });
  const names = async (...args: string[]): Promise<string[]> => (await berth(env, 0, ['images', '--format', '{{.Repository}}:{{.Tag}}', ...args])).stdout.trim().split('\n').filter(Boolean).sort();
  assert.deepEqual(await names('--filter', 'label=team=a'), ['lab/one:v1']);
  assert.deepEqual(await names('--filter', 'reference=lab/*'), ['lab/one:v1', 'lab/two:v2']);
  assert.deepEqual(await names('lab/two'), ['lab/two:v2']);
  assert.deepEqual(await names('--filter', 'dangling=true'), []);
  const json = (await berth(env, 0, ['images', '--format', 'json', 'lab/one'])).stdout.trim();
  assert.equal(JSON.parse(json).Tag, 'v1');
  const table = (await berth(env, 0, ['images', '--format', 'table {{.Repository}}\\t{{.Size}}', 'lab/one'])).stdout;
  assert.match(table, /^REPOSITORY\s+SIZE\nlab\/one\s+\d+B\n$/);
  const digests = (await berth(env, 0, ['images', '--digests', 'lab/one'])).stdout;
  assert.match(digests, /^REPOSITORY\s+TAG\s+DIGEST\s+IMAGE ID/);
  const bad = await berth(env, 125, ['images', '--filter', 'colour=red']);
  assert.match(bad.stderr, /invalid filter "colour"/);
});

test('prune and garbage collection free blobs and layers; system df adds up', async (t) => {
  if (skip) return t.skip('needs busybox-static and a built dist/berth');
  const e = berthEnv();
  try {
    await berth(e, 0, ['import', '-', 'gc/a:1'], { input: layerTar({ a: 'a'.repeat(10_000) }) });
    await berth(e, 0, ['import', '-', 'gc/a:1'], { input: layerTar({ a: 'b'.repeat(10_000) }) });
    // the first image lost its tag: dangling
    const dangling = (await berth(e, 0, ['images', '--filter', 'dangling=true', '--format', '{{.Repository}} {{.Tag}}'])).stdout;
    assert.equal(dangling, '<none> <none>\n');
    assert.equal(layerDirs(e.root).length, 2);
    const df = (await berth(e, 0, ['system', 'df'])).stdout;
    assert.match(df, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+2\s+0\s+\S+\s+\S+ \(100%\)\n/);
    const p = await berth(e, 0, ['image', 'prune', '-f']);
    assert.match(p.stdout, /^Deleted Images:\ndeleted: sha256:[0-9a-f]{64}\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: \d/);
    assert.equal(layerDirs(e.root).length, 1);
    assert.equal((await berth(e, 0, ['images', '-q'])).stdout.trim().split('\n').length, 1);
    const all = await berth(e, 0, ['image', 'prune', '-a', '-f']);
    assert.match(all.stdout, /untagged: gc\/a:1/);
    assert.deepEqual(layerDirs(e.root), []);
    assert.deepEqual(blobs(e.root), []);
    assert.match((await berth(e, 0, ['system', 'df'])).stdout, /Images\s+0\s+0\s+0B\s+0B/);
    assert.deepEqual(checkStoreConsistent(e.root), []);
  } finally {
    e.cleanup();
  }
});

test('rmi of the last name deletes the image, its blobs and its layers', async (t) => {
  if (skip) return t.skip('needs busybox-static and a built dist/berth');
  const e = berthEnv();
  try {
    const id = (await berth(e, 0, ['import', '-', 'del/me:1'], { input: layerTar({ f: 'f' }) })).stdout.trim();
    await berth(e, 0, ['tag', 'del/me:1', 'del/me:2']);
    assert.equal((await berth(e, 0, ['rmi', 'del/me:1'])).stdout, 'Untagged: del/me:1\n');
    const r = await berth(e, 0, ['rmi', 'del/me:2']);
    assert.match(r.stdout, new RegExp(`^Untagged: del/me:2\nDeleted: ${id}\nDeleted: sha256:[0-9a-f]{64}\n$`));
    assert.deepEqual(layerDirs(e.root), []);
    assert.deepEqual(blobs(e.root), []);
    // -f deletes an image named in several repositories, every name with it
    const id2 = (await berth(e, 0, ['import', '-', 'many/a:1'], { input: layerTar({ g: 'g' }) })).stdout.trim();
    await berth(e, 0, ['tag', 'many/a:1', 'other/b:2']);
    const forced = await berth(e, 0, ['rmi', '-f', id2.slice(7, 19)]);
    assert.match(forced.stdout, new RegExp(`^Untagged: many/a:1\nUntagged: other/b:2\nDeleted: ${id2}\n`));
    assert.equal((await berth(e, 0, ['-D', '--log-level', 'debug', 'images', '-q'])).stdout, '');
  } finally {
    e.cleanup();
  }
});

test('--root and BERTH_ROOT choose the store; flag errors exit 125, unknown commands 1', async (t) => {
  if (skip) return t.skip('needs busybox-static and a built dist/berth');
  const e = berthEnv();
  try {
    await berth(e, 0, ['--root', env.root, 'image', 'inspect', 'busybox']);
    const none = await berth(e, 1, ['image', 'inspect', 'busybox']);
    assert.equal(none.stdout, '[]\n');
    assert.equal(none.stderr, 'Error: no such image: busybox\n');
    const flag = await berth(e, 125, ['images', '--nope']);
    assert.equal(flag.stderr, "unknown flag: --nope\nSee 'berth images --help'.\n");
    const cmd = await berth(e, 1, ['frobnicate']);
    assert.match(cmd.stderr, /'frobnicate' is not a berth command/);
    assert.match((await berth(e, 0, ['--version'])).stdout, /^berth version /);
  } finally {
    e.cleanup();
  }
});

test('images used by containers: rmi refuses without -f, prune keeps them, gc keeps their layers', async (t) => {
  if (skip || requires(t, { root: true })) return skip ? t.skip('needs busybox-static and a built dist/berth') : undefined;
  const e = berthEnv();
  const runroot = join(e.root, '..', 'run');
  const b = (status: number, args: string[]) => berth(e, status, ['--runroot', runroot, ...args]);
  try {
    await run(`${REPO}/node_modules/.bin/node`, [`${REPO}/scripts/seed-busybox-image.ts`, '--root', e.root]);
    const id = (await b(0, ['images', '-q', '--no-trunc', 'busybox'])).stdout.trim();
    const ctr = (await b(0, ['create', 'busybox', 'true'])).stdout.trim();
    const refused = await b(1, ['rmi', 'busybox']);
    assert.match(refused.stderr, new RegExp(`^Error: conflict: unable to remove repository reference "busybox" \\(must force\\) - container ${ctr.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}$`, 'm'));
    const byId = await b(1, ['rmi', id.slice(7, 19)]);
    assert.match(byId.stderr, /unable to delete .* \(must be forced\) - image is being used by stopped container/);
    // prune -a leaves an image a container uses
    await b(0, ['image', 'prune', '-a', '-f']);
    assert.equal((await b(0, ['images', '-q', '--no-trunc'])).stdout.trim(), id);
    // forced: the name goes, the image and its layers stay for the container
    assert.equal((await b(0, ['rmi', '-f', 'busybox'])).stdout, 'Untagged: busybox:latest\n');
    assert.equal((await b(0, ['images', '-q', '--no-trunc'])).stdout.trim(), id);
    assert.equal(layerDirs(e.root).length, 1);
    assert.match((await b(0, ['system', 'df'])).stdout, /^Images\s+1\s+1\s/m);
    await b(0, ['rm', ctr]);
    await b(0, ['image', 'prune', '-a', '-f']);
    assert.equal((await b(0, ['images', '-q'])).stdout, '');
    assert.deepEqual(layerDirs(e.root), []);
  } finally {
    e.cleanup();
  }
});
