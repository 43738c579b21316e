import { Op, Stage, WaitMode } from '../helper/protocol.ts';
import type { PlanBuilder } from '../helper/plan.ts';
import { O } from './linux-constants.ts';

export interface MonitorOptions {
  logPath: string;
  logMaxSize: number; // bytes; 0 = never rotate
  logMaxFiles: number;
  exitFile: string;
  attachSocket: string;
  // run by the monitor once the container has exited and its exit file is written
  exitCommand: string[];
  // keep a stdin pipe open for attach clients (docker -i); otherwise stdin is /dev/null
  stdin: boolean;
  // a command the monitor runs on a timer while the container runs (the engine's health check)
  health?: MonitorHealth;
  // the container's rootfs mount, unmounted by the monitor once the container has exited (before
  // the exit file): saves the engine a process for that one call. The engine's cleanup still
  // unmounts whatever the monitor could not.
  unmountAtExit?: string;
}

export interface MonitorHealth {
  intervalMs: number;
  // used instead of the interval during the start period
  startIntervalMs: number;
  startPeriodMs: number;
  command: string[];
}

export interface MonitorSlots {
  // the monitor's ends (-1: none)
  out: number;
  err: number;
  in: number;
  listen: number;
  // the container's ends of its stdio, closed in the monitor once the container has them; absent
  // with a terminal (the pty is its stdio)
  container?: { in: number; out: number; err: number };
}

// The monitor's half of a container's stdio: pipes (or the pty) whose other ends the container
// gets, and a unix socket for attach clients. Whoever makes the container (berth's init, or an
// external runtime's create) takes `container` as fds 0-2.
export function addMonitorSteps(b: PlanBuilder, m: MonitorOptions, terminal: boolean): MonitorSlots {
  b.waitMode = WaitMode.MONITOR;
  b.add(Stage.PARENT_PRE, Op.SUBREAPER, 'monitor (adopting the container\'s orphans)');
  const listen = b.slot();
  b.add(Stage.PARENT_PRE, Op.LISTEN_UNIX, `monitor attach socket "${m.attachSocket}"`, [listen, 0o600], [m.attachSocket]);
  const slots: MonitorSlots = { out: -1, err: -1, in: -1, listen };
  if (terminal) return slots;
  const pipe = (): [number, number] => {
    const r = b.slot();
    const w = b.slot();
    b.add(Stage.PARENT_PRE, Op.PIPE, 'monitor (container stdio)', [r, w]);
    return [r, w];
  };
  const [outR, outW] = pipe();
  const [errR, errW] = pipe();
  let inR: number;
  if (m.stdin) {
    const [r, w] = pipe();
    inR = r;
    slots.in = w;
  } else {
    inR = b.slot();
    b.add(Stage.PARENT_PRE, Op.OPEN, 'monitor (stdin /dev/null)', [inR, O.RDWR, 0], ['/dev/null']);
  }
  for (const own of [outW, errW, inR]) b.add(Stage.PARENT_POST, Op.CLOSE_SLOT, 'monitor (the container\'s ends)', [own]);
  slots.out = outR;
  slots.err = errR;
  slots.container = { in: inR, out: outW, err: errW };
  return slots;
}

// The monitor's loop (and its health-check timer), last of the PARENT_POST steps so that every
// fd it serves is open by then.
export function addMonitorLoopSteps(b: PlanBuilder, m: MonitorOptions, slots: MonitorSlots, ptySlot: number): void {
  if (m.health) {
    const h = m.health;
    b.add(Stage.PARENT_POST, Op.MONITOR_HEALTH, `monitor health check every ${h.intervalMs} ms`, [h.intervalMs, h.startIntervalMs, h.startPeriodMs], h.command);
  }
  if (m.unmountAtExit) b.add(Stage.PARENT_POST, Op.UNMOUNT_AT_EXIT, `monitor (unmounting "${m.unmountAtExit}" at exit)`, [], [m.unmountAtExit]);
  b.add(Stage.PARENT_POST, Op.MONITOR, `monitor (log "${m.logPath}")`, [slots.out, slots.err, slots.in, ptySlot, slots.listen, m.logMaxSize, m.logMaxFiles], [m.logPath, m.exitFile, ...m.exitCommand]);
}
