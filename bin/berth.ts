// Entry point of berth (bundled to dist/berth with a shebang to the project's Node).
import { mark } from '../src/lib/trace.ts';
import { runCli } from '../src/cli/main.ts';

mark('bundle loaded');

let settled = false;
runCli(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    // A settled command has written everything (all output is writeSync) and awaited all its
    // work; what a detached container needs lives in its monitor. process.exit skips tearing
    // down V8's heap page by page: 9 ms from the exit event to the reaped process instead of 12
    // for `run --rm` here (20 alternating runs). The 'exit' event still fires: the launcher's code
    // cache is saved on it.
    process.exit(code);
  },
  (e: unknown) => {
    settled = true;
    process.stderr.write(`internal error: ${String(e)}\n`);
    process.exitCode = 1;
  },
);

// Node ends a process whose event loop is empty even while a promise is pending: a command
// waiting on something that can no longer happen would end half-way through, with status 0.
// That is a bug, and says so.
process.on('beforeExit', () => {
  if (settled) return;
  process.stderr.write('internal error: the command stopped before it finished (nothing left to wait for)\n');
  process.exit(1);
});
