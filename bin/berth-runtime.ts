// Entry point of berth-runtime (bundled to dist/berth-runtime with a shebang to the project's Node).
import { mark } from '../src/lib/trace.ts';
import { runRuntimeCli } from '../src/runtime-cli/main.ts';

mark('bundle loaded');

// Once the command has settled its output is written (writeSync) and its work awaited: exiting
// at once skips the V8 heap's page-by-page teardown (bin/berth.ts measures it).
runRuntimeCli(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`internal error: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
