import type { CliContext } from '../cli-context.ts';
import { messageOf } from '../../lib/errors.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { inspectImage, type ImageInspect } from '../../image/inspect-image.ts';
import { formatObjects } from '../render/format-object.ts';
import { err, out } from '../render/output.ts';

// docker image inspect: a JSON array (indented like docker's), or a template per image. A
// missing image is reported and the others still printed; the status is then 1.
export async function inspectCommand(ctx: CliContext, names: string[], format: string | undefined): Promise<number> {
  const store = await openImageStore(ctx.root, { layers: true });
  const docs: ImageInspect[] = [];
  let status = 0;
  for (const n of names) {
    const r = store.find(n);
    if (!r) {
      err(`Error: no such image: ${n}\n`);
      status = 1;
      continue;
    }
    try {
      docs.push(inspectImage(store, r));
    } catch (e) {
      err(`Error: ${messageOf(e)}\n`);
      status = 1;
    }
  }
  if (format && format !== 'json') {
    out(formatObjects(format, docs));
  } else {
    out(`${JSON.stringify(docs, null, 4)}\n`);
  }
  return status;
}
