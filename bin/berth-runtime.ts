// Entry point of berth-runtime (bundled to dist/berth-runtime with a shebang to the project's Node).
import { mark } from '../src/lib/trace.ts';
import { runRuntimeCli } from '../src/runtime-cli/main.ts';

mark('bundle loaded');

runRuntimeCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`internal error: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
