import { refreshRecord } from '../../engine/index.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { inspectImage } from '../../image/inspect-image.ts';
import { messageOf } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { formatObjects } from '../render/format-object.ts';
import { err, out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { inspectView } from './inspect.ts';

// docker inspect: each name is looked up as a container, then as an image (--type narrows it).
export async function inspectAnyCommand(ctx: CliContext, names: string[], o: { format?: string; type?: string }): Promise<number> {
  if (o.type && o.type !== 'container' && o.type !== 'image') {
    err(`Error: "${o.type}" is not a valid value for --type\n`);
    return 1;
  }
  const engine = engineFor(ctx);
  const images = o.type === 'container' ? undefined : await openImageStore(ctx.root, { layers: true });
  const docs: unknown[] = [];
  let status = 0;
  for (const n of names) {
    try {
      const c = o.type === 'image' ? undefined : engine.store.find(n);
      if (c) {
        docs.push(inspectView(await refreshRecord(engine, c)));
        continue;
      }
      const i = images?.find(n);
      if (i) {
        docs.push(inspectImage(images!, i));
        continue;
      }
      err(`Error: No such object: ${n}\n`);
      status = 1;
    } catch (e) {
      err(`Error: ${messageOf(e)}\n`);
      status = 1;
    }
  }
  if (o.format && o.format !== 'json') out(formatObjects(o.format, docs));
  else out(`${JSON.stringify(docs, null, 4)}\n`);
  return status;
}
