import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MsgType, Op, Stage } from '../../src/runtime/helper/protocol.ts';

// native/protocol.h and src/runtime/helper/protocol.ts must agree on every id.
const header = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native', 'protocol.h'), 'utf8');

function enumValues(prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of header.matchAll(new RegExp(`\\b${prefix}([A-Z0-9_]+)\\s*=\\s*(\\d+)`, 'g'))) out.set(m[1]!, Number(m[2]));
  return out;
}

test('ops, stages and message types match native/protocol.h', () => {
  for (const [prefix, ts] of [['OP_', Op], ['STAGE_', Stage], ['MSG_', MsgType]] as const) {
    const c = enumValues(prefix);
    assert.deepEqual(Object.fromEntries(c), { ...ts }, prefix);
  }
  assert.equal(Op.BPF_DEVICES, 60);
});
