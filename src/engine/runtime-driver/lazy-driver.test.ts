import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { findRuntimeBinary } from './runtime-binaries.ts';

// berth's own containers (the default, `run --rm busybox true`) must not pay for the external
// runtimes: neither the runc/crun driver nor the external monitor's plan is loaded for them.
test('the berth driver loads no external-runtime code; a runc container loads it', { skip: findRuntimeBinary('runc') ? undefined : 'needs runc in PATH' }, () => {
  const url = (p: string): string => new URL(p, import.meta.url).href;
  const script = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ load(u, c, next) { seen.push(u); return next(u, c); } });
    const external = () => seen.filter((u) => /oci-cli|external-monitor/.test(u)).map((u) => u.split('/').pop());
    const { engineContext } = await import(${JSON.stringify(url('../index.ts'))});
    const { driverFor } = await import(${JSON.stringify(url('./index.ts'))});
    const ctx = engineContext({ paths: { root: '/nonexistent', runroot: '/nonexistent' }, log: console, berthCommand: [] });
    const berth = await driverFor(ctx, { HostConfig: { Runtime: 'berth' } });
    const before = external();
    const runc = await driverFor(ctx, { HostConfig: { Runtime: 'runc' } });
    console.log(JSON.stringify({ names: [berth.name, runc.name], before, after: external() }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { names: string[]; before: string[]; after: string[] };
  assert.deepEqual(out.names, ['berth', 'runc']);
  assert.deepEqual(out.before, []);
  assert.ok(out.after.includes('oci-cli-driver.ts'), out.after.join(' '));
});
