import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monitorExternalRuntime, oomKillCountAt, statsEventAt, type ExecOptions } from '../../runtime/index.ts';
import { BerthError, ExecError, SystemError } from '../../lib/errors.ts';
import type { RuntimeDriver, RuntimeName } from './driver.ts';
import { ociCall, runOciCli, runtimeMessage } from './oci-cli.ts';
import { requireRuntimeBinary } from './runtime-binaries.ts';

// docker's exit codes 127/126 come from the runtime's words: runc and crun have no other channel.
function createError(name: string, text: string): BerthError {
  const message = `OCI runtime create failed: ${runtimeMessage(text) || `${name} create failed`}`;
  if (/executable file not found|no such file or directory/i.test(message) && /\bexec\b/.test(message)) return new ExecError('not-found', message);
  if (/permission denied/i.test(message) && /\bexec\b/.test(message)) return new ExecError('cannot-invoke', message);
  return new BerthError('E_OCI_RUNTIME_CREATE', message);
}

// Short-lived files of one call (console sockets, exec logs), beside the state root rather than in
// it: the runtime lists every directory of its root as a container.
function scratchPath(stateRoot: string, name: string): string {
  const dir = `${stateRoot}-tmp`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, name);
}

// runc exits 255 when the process could not be started, having printed why on stderr (which is
// the user's); its JSON log tells "not found" from "cannot run" for docker's 127 and 126.
function execFailureCode(code: number, logFile: string): number {
  if (code !== 255) return code;
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8');
  } catch {
    return code;
  }
  const errors = log
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level?: string; msg?: string })
    .filter((e) => e.level === 'error')
    .map((e) => e.msg ?? '')
    .join('\n');
  if (!/exec failed|executable file not found/.test(errors)) return code;
  return /not found|no such file or directory/i.test(errors) ? 127 : 126;
}

function execArgs(opts: ExecOptions): string[] {
  const a: string[] = [];
  if (opts.processFile) a.push('--process', opts.processFile);
  if (opts.tty) a.push('--tty');
  if (opts.detach) a.push('--detach');
  if (opts.cwd) a.push('--cwd', opts.cwd);
  for (const e of opts.env ?? []) a.push('--env', e);
  if (opts.user) a.push('--user', opts.user);
  if (opts.additionalGids?.length) a.push('--additional-gids', opts.additionalGids.join(','));
  for (const c of opts.caps ?? []) a.push('--cap', c);
  if (opts.noNewPrivileges) a.push('--no-new-privs');
  if (opts.pidFile) a.push('--pid-file', opts.pidFile);
  if (opts.consoleSocket) a.push('--console-socket', opts.consoleSocket);
  if (opts.preserveFds) a.push('--preserve-fds', String(opts.preserveFds));
  return [...a, opts.id, ...(opts.processFile ? [] : (opts.args ?? []))];
}

// runc or crun through their command line (runc's, which crun shares), with state under a root
// of berth's own (runroot/<name>) so the system's containers and ours never mix. The container
// is made by the monitor, which runs `create` as its child (runtime/lifecycle/external-monitor.ts).
export function ociCliDriver(name: Exclude<RuntimeName, 'berth'>, stateRoot: string): RuntimeDriver {
  const bin = requireRuntimeBinary(name);
  const base = [bin, '--root', stateRoot];
  const call = (verb: string, args: string[], input?: string): Promise<string> => ociCall(name, [...base, verb, ...args], verb, input);
  const driver: RuntimeDriver = {
    name,
    // runc 1.1 and crun 1.8 implement runtime-spec 1.1; the fields berth writes are all in it
    specVersion: '1.1.0',
    async create(req) {
      const pidFile = join(req.runDir, `${name}.pid`);
      // runc and crun connect by path, so it must fit in sun_path (108 bytes): the container's run
      // directory is too deep for that, a short name under the runroot is not
      const consoleSocket = req.terminal ? scratchPath(stateRoot, `${req.id.slice(0, 12)}.sock`) : undefined;
      const argv = [...base, 'create', '--bundle', req.bundle, '--pid-file', pidFile, ...(consoleSocket ? ['--console-socket', consoleSocket] : []), req.id];
      try {
        const pid = await monitorExternalRuntime({ argv, pidFile, ...(consoleSocket ? { consoleSocket } : {}), monitor: req.monitor, errorLog: req.monitor.errorLog });
        // the monitor has the terminal and listens no more
        if (consoleSocket) rmSync(consoleSocket, { force: true });
        return pid;
      } catch (err) {
        if (consoleSocket) rmSync(consoleSocket, { force: true });
        // what a failed create left (runc removes most of it itself)
        await driver.delete(req.id, '').catch(() => {});
        // no errno: the runtime ran and refused, in its own words; with one, a call of the
        // monitor's failed (the runtime's program could not be executed, say) and says so
        const prefix = `${name} create: `;
        const said = err instanceof SystemError && err.errno === '' && err.message.startsWith(prefix);
        throw said ? createError(name, err.message.slice(prefix.length)) : err;
      }
    },
    start: async (id) => void (await call('start', [id])),
    async state(id) {
      const r = await runOciCli([...base, 'state', id]);
      if (r.code !== 0) return undefined;
      const s = JSON.parse(r.stdout) as { status: string; pid?: number };
      return { status: s.status, pid: s.pid ?? 0 };
    },
    kill: async (id, signal, opts) => void (await call('kill', [...(opts?.all ? ['--all'] : []), id, signal])),
    async delete(id) {
      const r = await runOciCli([...base, 'delete', '--force', id]);
      const msg = runtimeMessage(r.stderr);
      if (r.code !== 0 && !/does not exist|no such file/i.test(msg)) throw new BerthError('E_OCI_RUNTIME', `${name} delete: ${msg || `exit status ${r.code}`}`);
    },
    pause: async (id) => void (await call('pause', [id])),
    resume: async (id) => void (await call('resume', [id])),
    update: async (id, resources) => void (await call('update', ['-r', '-', id], JSON.stringify(resources))),
    async exec(opts) {
      const stdio = opts.stdio ? opts.stdio.map((s) => (s === 'ignore' ? 'ignore' : s)) : ['inherit', 'inherit', 'inherit'];
      const logFile = scratchPath(stateRoot, `exec-${process.pid}-${Date.now()}.log`);
      try {
        const r = await runOciCli([bin, '--root', stateRoot, '--log', logFile, '--log-format', 'json', 'exec', ...execArgs(opts)], { stdio: stdio as ['inherit'], relaySignals: true });
        return execFailureCode(r.code, logFile);
      } finally {
        rmSync(logFile, { force: true });
      }
    },
    // crun has no `events`: its cgroups are read where the config placed them
    stats: async (id, cgroupsPath) => (name === 'crun' ? statsEventAt(cgroupsPath, id) : call('events', ['--stats', id])),
    oomKillCount: async (id, cgroupsPath) => oomKillCountAt(cgroupsPath, id),
    pids: async (id) => JSON.parse(await call('ps', ['--format', 'json', id])) as number[],
  };
  return driver;
}
