import { containerTop } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { out } from '../render/output.ts';
import { TabWriter } from '../render/tabwriter.ts';
import { displayWidth } from '../render/display-width.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';

// docker top's table: ps's columns through a tabwriter (minwidth 20, padding 3).
export async function topCommand(ctx: CliContext, ref: string, psArgs: string[]): Promise<number> {
  let result;
  try {
    result = await containerTop(engineFor(ctx), ref, psArgs);
  } catch (e) {
    return reportDaemonError(e);
  }
  const w = new TabWriter({ minWidth: 20, tabWidth: 1, padding: 3, padChar: ' ', cellWidth: displayWidth });
  w.write(`${result.Titles.join('\t')}\n`);
  for (const p of result.Processes) w.write(`${p.join('\t')}\n`);
  out(w.flush());
  return 0;
}
