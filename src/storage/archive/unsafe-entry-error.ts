import { BerthError } from '../../lib/errors.ts';

// A layer tar tried something berth refuses to do while unpacking: leave the layer directory
// (absolute names, "..", a symlinked parent, a hard link to outside), create a device node
// without privilege, or use an entry type that has no meaning in a layer. `entry` is the name as
// it appears in the tar.
export class UnsafeLayerEntryError extends BerthError {
  readonly entry: string;
  constructor(entry: string, reason: string) {
    super('E_LAYER_UNSAFE_ENTRY', `layer entry "${entry}": ${reason}`);
    this.entry = entry;
  }
}
