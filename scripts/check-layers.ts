// Fails when a module imports from a layer above it (ARCHITECTURE.md, "Layers"). Imports point
// down only, so runc or crun can stand in for the runtime and the engine never reaches into
// another layer's internals. Test files (*.test.ts) may import anything.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// layer -> the layers it may import (besides itself). "runtime/index" means that file only.
const ALLOWED: Record<string, string[]> = {
  bin: ['cli', 'runtime-cli', 'lib'],
  'runtime-cli': ['runtime', 'oci', 'lib'],
  cli: ['engine', 'image', 'oci', 'lib'],
  api: ['engine', 'oci', 'lib'],
  engine: ['build', 'image', 'storage', 'network', 'runtime/index', 'oci', 'lib'],
  build: ['image', 'storage', 'oci', 'lib'],
  image: ['storage', 'oci', 'lib'],
  storage: ['oci', 'lib'],
  network: ['oci', 'lib'],
  runtime: ['oci', 'lib'],
  oci: ['lib'],
  lib: [],
};

function layerOf(file: string): string | undefined {
  const rel = relative(repo, file);
  if (rel.startsWith('bin/')) return 'bin';
  const m = /^src\/([^/]+)\//.exec(rel);
  return m?.[1];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const violations: string[] = [];
for (const file of [...walk(join(repo, 'bin')), ...walk(join(repo, 'src'))]) {
  const from = layerOf(file);
  if (!from) continue;
  const allowed = ALLOWED[from];
  if (!allowed) {
    violations.push(`${relative(repo, file)}: layer "${from}" is not in scripts/check-layers.ts`);
    continue;
  }
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    const target = resolve(dirname(file), spec);
    const to = layerOf(target);
    if (!to || to === from) continue;
    const ok = allowed.includes(to) || (to === 'runtime' && allowed.includes('runtime/index') && relative(repo, target) === 'src/runtime/index.ts');
    if (!ok) violations.push(`${relative(repo, file)} imports ${relative(repo, target)}: "${from}" may not depend on "${to}"`);
  }
}
if (violations.length > 0) {
  console.error(`layering violations:\n  ${violations.join('\n  ')}`);
  process.exit(1);
}
