// Entry point of berth (bundled to dist/berth with a shebang to the project's Node).
import { mark } from '../src/lib/trace.ts';
import { runCli } from '../src/cli/main.ts';

mark('bundle loaded');

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`internal error: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
