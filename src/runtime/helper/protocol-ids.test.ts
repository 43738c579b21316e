import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Op, MsgType, Stage, WaitMode, PLAN_MAGIC, PLAN_VERSION, MAX_SLOTS, PLAN_FLAG_NO_PROCESS, PLAN_FLAG_EXTERNAL_RUNTIME } from './protocol.ts';

const header = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native', 'protocol.h'), 'utf8');

function cEnum(prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of header.matchAll(new RegExp(`^\\s*${prefix}([A-Z0-9_]+)\\s*=\\s*(\\d+)`, 'gm'))) out.set(m[1]!, Number(m[2]));
  return out;
}

test('every op id in protocol.ts matches native/protocol.h and none is missing', () => {
  const c = cEnum('OP_');
  assert.deepEqual(new Map(Object.entries(Op)), c);
});

test('message types, stages and wait modes match', () => {
  assert.deepEqual(new Map(Object.entries(MsgType)), cEnum('MSG_'));
  assert.deepEqual(new Map(Object.entries(Stage)), cEnum('STAGE_'));
  assert.deepEqual(new Map(Object.entries(WaitMode)), cEnum('WAIT_'));
});

test('plan magic, version and slot count match', () => {
  assert.match(header, new RegExp(`BERTH_PLAN_MAGIC 0x${PLAN_MAGIC.toString(16)}u`, 'i'));
  assert.match(header, new RegExp(`BERTH_PLAN_VERSION ${PLAN_VERSION}u`));
  assert.match(header, new RegExp(`BERTH_MAX_SLOTS ${MAX_SLOTS}\\b`));
  assert.match(header, new RegExp(`PLAN_FLAG_NO_PROCESS ${PLAN_FLAG_NO_PROCESS}u`));
  assert.match(header, new RegExp(`PLAN_FLAG_EXTERNAL_RUNTIME ${PLAN_FLAG_EXTERNAL_RUNTIME}u`));
});
