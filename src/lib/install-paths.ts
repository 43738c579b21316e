import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where the helper binary lives: beside the bundle when installed or built (dist/), or
// BERTH_LIBEXEC. Source runs (tests importing .ts) find the checkout's dist/.
export function libexecDir(): string {
  const fromEnv = process.env['BERTH_LIBEXEC'];
  if (fromEnv) return fromEnv;
  if (typeof __dirname === 'string') return __dirname;
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
}

export function helperPath(): string {
  return join(libexecDir(), 'berth-helper');
}
