import type { CliContext } from '../cli-context.ts';
import { messageOf } from '../../lib/errors.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { removeImage } from '../../image/remove-image.ts';
import { imageUsersFor } from './image-users-for.ts';
import { err, out } from '../render/output.ts';

// Each image on its own: an error is printed and the others still go; the exit status is 1
// when any failed (docker's behaviour).
export async function rmiCommand(ctx: CliContext, names: string[], o: { force: boolean }): Promise<number> {
  const store = await openImageStore(ctx.root, { layers: true });
  const users = imageUsersFor(ctx);
  let status = 0;
  for (const name of names) {
    try {
      const r = removeImage(store, name, { ...o, users });
      out([...r.untagged.map((u) => `Untagged: ${u}\n`), ...r.deleted.map((d) => `Deleted: ${d}\n`)].join(''));
    } catch (e) {
      err(`Error: ${messageOf(e)}\n`);
      status = 1;
    }
  }
  return status;
}
