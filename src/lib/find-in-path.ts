import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// A program looked up in a PATH as a shell would: the first executable regular file.
export function findInPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
