import { spawn } from 'node:child_process';
import type { Hook, HookPhase, State } from '../oci/runtime-spec.ts';
import { HookError } from '../lib/errors.ts';

function envObject(list: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of list) {
    const i = e.indexOf('=');
    if (i > 0) env[e.slice(0, i)] = e.slice(i + 1);
  }
  return env;
}

// Runs one hook in the runtime namespace with the state on stdin. A hook without `env` inherits
// the runtime's environment, as runc's do; `timeout` kills it.
export function runHook(phase: HookPhase, index: number, hook: Hook, state: object): Promise<void> {
  const what = `hooks.${phase}[${index}] ("${hook.path}")`;
  return new Promise((resolve, reject) => {
    const args = hook.args ?? [];
    const child = spawn(hook.path, args.slice(1), {
      argv0: args[0] ?? hook.path,
      env: hook.env ? envObject(hook.env) : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      if (output.length < 4096) output += chunk.toString('utf8');
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.stdin!.on('error', () => {}); // a hook need not read its stdin
    child.stdin!.end(JSON.stringify(state));
    let timedOut = false;
    const timer =
      hook.timeout !== undefined
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, hook.timeout * 1000)
        : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(new HookError(`${what}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const out = output.trim() ? `: ${output.trim()}` : '';
      if (timedOut) reject(new HookError(`${what}: timed out after ${hook.timeout} s${out}`));
      else if (code === 0) resolve();
      else if (signal) reject(new HookError(`${what}: killed by ${signal}${out}`));
      else reject(new HookError(`${what}: exited with status ${code}${out}`));
    });
  });
}

// Runs a phase's hooks in order; the first failure stops the rest and is thrown.
export async function runHooks(phase: HookPhase, hooks: Hook[] | undefined, state: State): Promise<void> {
  for (const [i, h] of (hooks ?? []).entries()) await runHook(phase, i, h, state);
}

// poststop failures (and poststart ones after the container is stopped) are warnings: every
// hook still runs.
export async function runHooksWarnOnly(phase: HookPhase, hooks: Hook[] | undefined, state: State, warn: (msg: string) => void): Promise<void> {
  for (const [i, h] of (hooks ?? []).entries()) {
    try {
      await runHook(phase, i, h, state);
    } catch (err) {
      warn((err as Error).message);
    }
  }
}
