import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSeccompCached } from './cache.ts';
import { compileSeccomp } from './compile.ts';
import type { LinuxSeccomp } from '../../oci/runtime-spec.ts';

test('a cached filter is the compiled one; a different profile gets its own entry; a corrupt entry is recompiled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-seccomp-cache-'));
  try {
    const p: LinuxSeccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] };
    const fresh = compileSeccomp(p);
    const first = await compileSeccompCached(p, dir);
    const second = await compileSeccompCached(p, dir);
    assert.deepEqual(Buffer.from(second.program), Buffer.from(fresh.program));
    assert.equal(second.flags, fresh.flags);
    assert.deepEqual(Buffer.from(first.program), Buffer.from(fresh.program));
    const [entry] = readdirSync(dir);
    await compileSeccompCached({ ...p, defaultAction: 'SCMP_ACT_LOG' }, dir);
    assert.equal(readdirSync(dir).length, 2);
    writeFileSync(join(dir, entry!), 'not json');
    assert.deepEqual(Buffer.from((await compileSeccompCached(p, dir)).program), Buffer.from(fresh.program));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
