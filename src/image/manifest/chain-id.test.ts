import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chainIds } from './chain-id.ts';
import type { Digest } from '../../oci/digest.ts';

test('chain ids per the image spec', () => {
  const a = `sha256:${'a'.repeat(64)}` as Digest;
  const b = `sha256:${'b'.repeat(64)}` as Digest;
  const ab = `sha256:${createHash('sha256').update(`${a} ${b}`).digest('hex')}`;
  assert.deepEqual(chainIds([a, b]), [a, ab]);
  assert.deepEqual(chainIds([]), []);
});
