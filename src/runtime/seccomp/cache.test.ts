import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    // an entry under the right name but compiled from another profile (a hash collision, or a
    // planted file) is not used
    const other = JSON.parse(readFileSync(join(dir, entry!), 'utf8')) as { program: string; source: string };
    writeFileSync(join(dir, entry!), JSON.stringify({ ...other, program: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]).toString('base64'), source: other.source.replace('mkdir', 'rmdir') }));
    assert.deepEqual(Buffer.from((await compileSeccompCached(p, dir)).program), Buffer.from(fresh.program));
    writeFileSync(join(dir, entry!), 'not json');
    assert.deepEqual(Buffer.from((await compileSeccompCached(p, dir)).program), Buffer.from(fresh.program));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
