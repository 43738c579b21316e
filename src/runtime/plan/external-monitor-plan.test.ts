import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Op, Stage, PLAN_FLAG_EXTERNAL_RUNTIME } from '../helper/protocol.ts';
import { buildExternalMonitorPlan } from './external-monitor-plan.ts';

const monitor = { logPath: '/r/log', logMaxSize: 0, logMaxFiles: 1, exitFile: '/r/exit.json', attachSocket: '/r/attach.sock', exitCommand: ['/b', 'cleanup'], stdin: false };
const argv = ['/usr/sbin/runc', '--root', '/run/berth/runc', 'create', '--bundle', '/b', '--pid-file', '/r/runc.pid', 'id'];

test('without a terminal, runc create gets the container\'s pipes and its errors land on the stderr pipe', () => {
  const plan = buildExternalMonitorPlan({ argv, pidFile: '/r/runc.pid', monitor });
  assert.equal(plan.flags, PLAN_FLAG_EXTERNAL_RUNTIME);
  assert.ok(!plan.steps.some((s) => s.stage === Stage.INIT || s.stage === Stage.CHILD), 'nothing runs in a container of ours');
  const spawn = plan.steps.find((s) => s.op === Op.SPAWN_RUNTIME)!;
  assert.equal(spawn.what, 'runc create');
  assert.deepEqual(spawn.strs, ['/r/runc.pid', ...argv]);
  const [inSlot, outSlot, errSlot, listen, pty, errorRead] = spawn.ints as number[];
  assert.equal(listen, -1);
  assert.equal(pty, -1);
  const monitorStep = plan.steps.find((s) => s.op === Op.MONITOR)!;
  assert.equal(monitorStep.ints[1], errorRead, 'the monitor reads the stderr pipe the runtime wrote its error to');
  // the container's ends are closed in the monitor once the runtime has handed them on
  const closed = plan.steps.filter((s) => s.op === Op.CLOSE_SLOT && s.stage === Stage.PARENT_POST).map((s) => s.ints[0]);
  for (const s of [inSlot, outSlot, errSlot]) assert.ok(closed.includes(s!), `slot ${s} closed`);
  assert.ok(plan.steps.indexOf(spawn) < plan.steps.indexOf(monitorStep));
});

test('with a terminal, the monitor listens on the console socket and serves the pty it receives', () => {
  const plan = buildExternalMonitorPlan({ argv: [...argv.slice(0, -1), '--console-socket', '/r/c.sock', 'id'], pidFile: '/r/runc.pid', consoleSocket: '/r/c.sock', monitor });
  const listen = plan.steps.find((s) => s.op === Op.LISTEN_UNIX && s.strs[0] === '/r/c.sock')!;
  const spawn = plan.steps.find((s) => s.op === Op.SPAWN_RUNTIME)!;
  assert.equal(spawn.ints[3], listen.ints[0]);
  const monitorStep = plan.steps.find((s) => s.op === Op.MONITOR)!;
  assert.equal(monitorStep.ints[3], spawn.ints[4], 'the received master is the monitor\'s pty');
  assert.deepEqual(monitorStep.ints.slice(0, 3), [-1, -1, -1]);
});
