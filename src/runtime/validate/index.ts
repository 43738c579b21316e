import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidConfigError, NotFoundError } from '../../lib/errors.ts';
import { hasErrnoCode } from '../../lib/errno.ts';
import type { Spec } from '../../oci/runtime-spec.ts';
import { checkShape } from './shape.ts';
import { checkSpec } from './checks.ts';
import { explainOwnAccess } from '../userns/path-access.ts';

export { hasNewNamespace } from './checks.ts';

// Reads and validates <bundle>/config.json; every failure names the file or the field.
export function loadBundleConfig(bundle: string): Spec {
  const path = join(bundle, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT')) throw new NotFoundError('E_NO_CONFIG', `no config.json in bundle "${bundle}"`);
    if (hasErrnoCode(err, 'EACCES')) throw new InvalidConfigError('', `reading "${path}": ${explainOwnAccess(path)}`);
    throw new InvalidConfigError('', `reading "${path}": ${(err as Error).message}`);
  }
  return parseConfig(text, path, bundle);
}

export function parseConfig(text: string, path: string, bundle: string): Spec {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidConfigError('', `"${path}" is not valid JSON: ${(err as Error).message}`);
  }
  const spec = checkShape(doc);
  checkSpec(spec, { bundle, forCreate: true });
  return spec;
}
