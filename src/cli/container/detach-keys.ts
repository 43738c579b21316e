import { UsageError } from '../../lib/errors.ts';

// docker's detach keys: "ctrl-p,ctrl-q" by default; each key is one character or ctrl-<a-z @ [ \ ] ^ _>.
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

export function parseDetachKeys(spec: string, flag = '--detach-keys'): number[] {
  const keys: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim().toLowerCase();
    if (k.length === 1) keys.push(k.charCodeAt(0));
    else if (k.startsWith('ctrl-') && k.length === 6) {
      const c = k[5]!;
      if (c >= 'a' && c <= 'z') keys.push(c.charCodeAt(0) - 96);
      else if ('@[\\]^_'.includes(c)) keys.push('@[\\]^_'.indexOf(c) === 0 ? 0 : 27 + '[\\]^_'.indexOf(c));
      else throw new UsageError(`invalid ${flag} "${spec}": unknown key "${key}"`);
    } else throw new UsageError(`invalid ${flag} "${spec}": unknown key "${key}" (a character, or ctrl-<a-z, @, [, \\, ], ^, _>)`);
  }
  return keys;
}

// Watches the bytes typed for the sequence. Bytes that might start it are held back until the
// sequence is complete (then dropped: the container never sees them) or broken (then passed on).
export class DetachMatcher {
  private held: number[] = [];
  private readonly keys: number[];
  constructor(keys: number[]) {
    this.keys = keys;
  }

  // the bytes to forward, and whether the sequence was completed (anything after it is dropped)
  feed(data: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const b of data) {
      if (b === this.keys[this.held.length]) {
        this.held.push(b);
        if (this.held.length === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      out.push(...this.held);
      this.held = [];
      if (b === this.keys[0]) this.held.push(b);
      else out.push(b);
      if (this.held.length === this.keys.length) return { forward: Buffer.from(out), detach: true };
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
