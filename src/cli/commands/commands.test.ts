import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

test('every command file is listed in commands/index.ts', () => {
  const dir = dirname(fileURLToPath(import.meta.url));
  const index = readFileSync(join(dir, 'index.ts'), 'utf8');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'));
  for (const f of files) assert.match(index, new RegExp(`from './${f.replace('.', '\\.')}'`), `${f} is missing from commands/index.ts`);
});
