import { messageOf } from '../../lib/errors.ts';

// A network failure as one line: the message, with its errno-style code when the message lacks it.
export function describeNetworkError(e: unknown): string {
  const code = (e as { code?: string } | undefined)?.code;
  const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const c = code ?? cause?.code;
  const msg = messageOf(e);
  return c && !msg.includes(c) ? `${msg} (${c})` : msg;
}
