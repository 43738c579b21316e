import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

// koffi's native module costs tens of milliseconds to load: importing the storage layer (as every
// berth command that links it does) must not load it; only a call that needs libc does.
test('importing src/storage does not load koffi; the first libc call does', () => {
  const index = new URL('./index.ts', import.meta.url).href;
  const store = new URL('./layers/layer-store.ts', import.meta.url).href;
  const script = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/koffi/'));
    const s = await import(${JSON.stringify(index)});
    const before = loaded();
    await import(${JSON.stringify(store)});
    for await (const _ of new s.TarReader([Buffer.alloc(1024)])) {}
    const afterTar = loaded();
    const { libc } = await import(${JSON.stringify(new URL('./sys/libc.ts', import.meta.url).href)});
    libc();
    console.log(JSON.stringify({ before, afterTar, afterCall: loaded() }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { before: false, afterTar: false, afterCall: true });
});
