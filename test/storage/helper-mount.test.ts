import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mount, SyscallError, umount2 } from '../../src/storage/sys/syscalls.ts';
import { helperPath } from '../../src/lib/install-paths.ts';
import { requires } from '../helpers/requires.ts';

// mount and umount2 go through `berth-helper mount|umount` (no koffi on a container's start):
// errors keep the errno, relative paths are resolved from cwd, and the caller's cwd is untouched.
const mounted = (p: string): boolean => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === p);

test('mount and umount2 through the helper', (t) => {
  if (requires(t, { root: true }) || requires(t, { file: helperPath(), reason: 'needs the built helper (npm run build)' })) return;
  const dir = mkdtempSync(join(tmpdir(), 'berth-helper-mount-'));
  t.after(() => {
    if (mounted(join(dir, 'target'))) umount2(join(dir, 'target'), 2);
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'target'));
  writeFileSync(join(dir, 'src', 'f'), 'x');
  const cwd = process.cwd();
  // a relative source, resolved in the helper from the given cwd
  mount('src', join(dir, 'target'), null, 4096 /* MS_BIND */, null, dir);
  assert.equal(process.cwd(), cwd);
  assert.ok(mounted(join(dir, 'target')));
  assert.equal(readFileSync(join(dir, 'target', 'f'), 'utf8'), 'x');
  umount2(join(dir, 'target'), 0);
  assert.ok(!mounted(join(dir, 'target')));

  assert.throws(
    () => umount2(join(dir, 'target'), 0),
    (e: unknown) => e instanceof SyscallError && e.errno === 'EINVAL' && /^umount2 ".*\/target": invalid argument \(EINVAL\)$/.test(e.message),
  );
  assert.throws(
    () => mount('none', join(dir, 'missing'), 'tmpfs', 0, 'size=1m'),
    (e: unknown) => e instanceof SyscallError && e.errno === 'ENOENT' && e.message.startsWith('mount tmpfs "'),
  );
  assert.throws(() => mount('none', join(dir, 'target'), 'nosuchfs', 0, null), (e: unknown) => e instanceof SyscallError && e.errno === 'ENODEV');
});

test('mounting and unmounting do not load koffi', (t) => {
  if (requires(t, { root: true }) || requires(t, { file: helperPath(), reason: 'needs the built helper (npm run build)' })) return;
  const dir = mkdtempSync(join(tmpdir(), 'berth-helper-mount-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = `
    import { createRequire } from 'node:module';
    const { mount, umount2 } = await import(${JSON.stringify(new URL('../../src/storage/sys/syscalls.ts', import.meta.url).href)});
    mount('none', ${JSON.stringify(dir)}, 'tmpfs', 0, 'size=1m');
    umount2(${JSON.stringify(dir)}, 0);
    console.log(Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/koffi/')));
  `;
  assert.equal(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim(), 'false');
});
