import { Op, Stage, PLAN_FLAG_EXTERNAL_RUNTIME } from '../helper/protocol.ts';
import { PlanBuilder, type HelperPlan } from '../helper/plan.ts';
import { O } from './linux-constants.ts';
import { addMonitorLoopSteps, addMonitorSteps, type MonitorOptions } from './monitor-steps.ts';

export interface ExternalMonitorInput {
  // the runtime's create, argv[0] an absolute path: `runc --root R create --bundle B --pid-file P
  // [--console-socket S] ID`
  argv: string[];
  pidFile: string;
  // the --console-socket in argv, for a container with a terminal: the monitor listens on it
  consoleSocket?: string;
  monitor: MonitorOptions;
}

// The monitor of a container that an external OCI runtime makes (conmon's role): the same
// monitor steps as for berth's own init, but instead of cloning one, the helper runs the
// runtime's create with the container's stdio, takes the terminal it sends, and reads its pid.
export function buildExternalMonitorPlan(input: ExternalMonitorInput): HelperPlan {
  const b = new PlanBuilder();
  b.flags = PLAN_FLAG_EXTERNAL_RUNTIME;
  const terminal = input.consoleSocket !== undefined;
  const slots = addMonitorSteps(b, input.monitor, terminal);
  let stdio: { in: number; out: number; err: number };
  let errorRead: number;
  let listen = -1;
  let pty = -1;
  if (slots.container) {
    stdio = slots.container;
    // what the runtime says when it fails lands in the container's stderr pipe, unread yet
    errorRead = slots.err;
  } else {
    listen = b.slot();
    b.add(Stage.PARENT_PRE, Op.LISTEN_UNIX, `console socket "${input.consoleSocket}"`, [listen, 0o600], [input.consoleSocket!]);
    pty = b.slot();
    const nul = b.slot();
    b.add(Stage.PARENT_PRE, Op.OPEN, 'the runtime\'s stdin (/dev/null)', [nul, O.RDWR, 0], ['/dev/null']);
    errorRead = b.slot();
    const errorWrite = b.slot();
    b.add(Stage.PARENT_PRE, Op.PIPE, 'the runtime\'s output', [errorRead, errorWrite]);
    stdio = { in: nul, out: errorWrite, err: errorWrite };
  }
  const runtimeName = input.argv[0]!.split('/').pop()!;
  b.add(Stage.PARENT_PRE, Op.SPAWN_RUNTIME, `${runtimeName} create`, [stdio.in, stdio.out, stdio.err, listen, pty, errorRead], [input.pidFile, ...input.argv]);
  if (!slots.container) {
    for (const s of [stdio.in, stdio.out, listen, errorRead]) b.add(Stage.PARENT_POST, Op.CLOSE_SLOT, 'monitor (the runtime\'s ends)', [s]);
  }
  addMonitorLoopSteps(b, input.monitor, slots, pty);
  return b.build();
}
