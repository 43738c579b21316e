import { realpathSync } from 'node:fs';
import { engineContext, type EngineContext } from '../../engine/index.ts';
import { log } from '../../lib/log.ts';
import type { CliContext } from '../cli-context.ts';

// The monitor's exit command runs this same berth: the launcher (whose #! line names the
// project's Node) is argv[1].
export function engineFor(ctx: CliContext): EngineContext {
  const launcher = realpathSync(process.argv[1]!);
  return engineContext({ paths: { root: ctx.root, runroot: ctx.runroot }, log, berthCommand: [launcher], signal: ctx.signal });
}
