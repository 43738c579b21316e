import { closeSync, openSync, readFileSync, readSync, rmSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../lib/errors.ts';
import type { ContainerRecord, HealthState } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { runDir } from '../paths.ts';
import { resolveUser } from '../spec/user.ts';
import { effectiveHealth, goDuration, MAX_OUTPUT, type EffectiveHealth } from './health-config.ts';
import { applyProbeResult, type ProbeResult } from './health-state.ts';

function readOutput(fd: number): string {
  const size = fstatSync(fd).size;
  const buf = Buffer.alloc(Math.min(size, MAX_OUTPUT));
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, got);
    if (n === 0) break;
    got += n;
  }
  // docker's limitedBuffer marks what it cut
  return buf.subarray(0, got).toString('utf8') + (size > MAX_OUTPUT ? '...' : '');
}

// One run of the check, as docker's cmdProbe: the command exec'd in the container as its user
// and in its working directory, stdout and stderr together (the first 4 KiB kept); past the
// timeout the process is killed and the result is -1 with docker's message. A check that cannot
// be started at all is -1 with the reason.
async function probe(ctx: EngineContext, r: ContainerRecord, h: EffectiveHealth): Promise<Omit<ProbeResult, 'Start' | 'End'>> {
  const dir = runDir(ctx.paths, r.Id);
  const outPath = join(dir, 'health.out');
  const pidPath = join(dir, 'health.pid');
  rmSync(pidPath, { force: true });
  const out = openSync(outPath, 'w+', 0o600);
  const nul = openSync('/dev/null', 'r');
  let timedOut = false;
  let killer: NodeJS.Timeout | undefined;
  // past the timeout: kill the process, as soon as its pid is known
  const timer = setTimeout(() => {
    timedOut = true;
    const kill = (): void => {
      try {
        process.kill(Number(readFileSync(pidPath, 'utf8')), 'SIGKILL');
        clearInterval(killer);
      } catch {
        // not started yet: try again shortly
      }
    };
    killer = setInterval(kill, 100);
    kill();
  }, Math.max(1, h.timeoutNs / 1e6));
  try {
    let user: string | undefined;
    if (r.Config.User) {
      const rootfs = r.GraphDriver.Data?.['MergedDir'];
      const u = rootfs ? resolveUser(rootfs, r.Config.User) : undefined;
      user = u ? `${u.uid}:${u.gid}` : r.Config.User;
    }
    let code: number;
    try {
      code = await (await driverFor(ctx, r)).exec({
        id: r.Id,
        args: h.command,
        tty: false,
        env: [],
        ...(r.Config.WorkingDir ? { cwd: r.Config.WorkingDir } : {}),
        ...(user ? { user } : {}),
        detach: false,
        pidFile: pidPath,
        stdio: [nul, out, out],
      });
    } catch (err) {
      return { ExitCode: -1, Output: messageOf(err) };
    }
    const output = readOutput(out);
    if (timedOut) {
      const limit = goDuration(h.timeoutNs);
      return { ExitCode: -1, Output: output ? `Health check exceeded timeout (${limit}): ${output}` : `Health check exceeded timeout (${limit})` };
    }
    return { ExitCode: code, Output: output };
  } finally {
    clearTimeout(timer);
    clearInterval(killer);
    closeSync(out);
    closeSync(nul);
    rmSync(outPath, { force: true });
    rmSync(pidPath, { force: true });
  }
}

// `berth container healthcheck <id>`, run by the container's monitor on its timer (or by hand):
// one check, its result applied to State.Health under the container's lock. A container that is
// not running (or paused, or started again meanwhile) is left alone. Returns the new health.
export async function runHealthCheck(ctx: EngineContext, ref: string): Promise<HealthState | undefined> {
  const r = ctx.store.resolve(ref);
  const h = effectiveHealth(r.Config.Healthcheck);
  if (!h || r.State.Status !== 'running') return r.State.Health;
  const startedAt = r.State.StartedAt;
  const start = new Date().toISOString();
  const result = await probe(ctx, r, h);
  const end = new Date().toISOString();
  return ctx.store.withContainerLock(r.Id, async () => {
    const fresh = ctx.store.get(r.Id);
    if (!fresh || (fresh.State.Status !== 'running' && fresh.State.Status !== 'paused') || fresh.State.StartedAt !== startedAt) return fresh?.State.Health;
    const health = applyProbeResult(fresh, { Start: start, End: end, ...result }, h);
    ctx.store.put(fresh);
    return health;
  });
}
