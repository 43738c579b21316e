'use strict';
// The launcher of a bundle (scripts/build.ts writes dist/berth and dist/berth-runtime from this
// file, with a #! line to the project's Node and the @@ names filled in). It loads the bundle
// with a V8 code cache made after a command ran, one per command word (run, ps, ...).
//
// Why not Node's module.enableCompileCache(): its cache is made when the bundle is compiled,
// before anything runs, so it holds the bundle's top level only and every function a command
// calls is compiled again on every call. A cache taken from the script after the command holds
// those functions too: `berth ps` 83.7 -> 70.4 ms wall, 69 -> 53 ms of CPU, `berth run --rm`
// about 27 ms less (30 alternating runs each, this project's development machine).
//
// The cache is code that runs as the caller, so it lives where only the caller can write: root's
// under /var/cache/berth/v8, a user's under ~/.cache/berth/v8 (not /tmp, where Node's compile
// cache goes and another user could plant one), in a directory of mode 0700 owned by the caller,
// else no cache is read or written. A file is named for the bundle's content hash and Node's
// version, so a rebuilt bundle never meets an old cache (V8 itself checks only the source's
// length); other builds' files go when a new one is written and they have not been written
// for a day. V8 rejects a cache made with other flags; it is then written again.
const fs = require('node:fs');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const NAME = '@@NAME@@';
const HASH = '@@HASH@@';
const bundle = `${__dirname}/${NAME}.cjs`;
const MAX_FILES = 32;
const STALE_MS = 24 * 3600_000;

function cacheDir() {
  if (process.env.BERTH_V8_CACHE === '0') return undefined;
  const uid = process.getuid();
  const home = process.env.XDG_CACHE_HOME || `${require('node:os').homedir()}/.cache`;
  const dir = process.env.BERTH_V8_CACHE_DIR || (uid === 0 ? '/var/cache/berth/v8' : `${home}/berth/v8`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

function save(dir, file, script) {
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(tmp, file);
    // this bundle's caches (not the other bundle's): another build's or Node version's go once
    // unused for a day, so two copies of berth in use side by side (an installed one and a
    // checkout's) do not delete each other's on every call; of what stays, the newest MAX_FILES
    // (each is a few hundred KB, and the key is only a word)
    const ours = new RegExp(`^${NAME}-[0-9a-f]{16}-`);
    const current = `${NAME}-${HASH}-${process.version}-`;
    const now = Date.now();
    const kept = [];
    for (const f of fs.readdirSync(dir)) {
      if (!ours.test(f) || f.endsWith('.tmp')) continue;
      const t = fs.statSync(`${dir}/${f}`).mtimeMs;
      if (f.startsWith(current) || now - t < STALE_MS) kept.push({ f, t });
      else fs.rmSync(`${dir}/${f}`, { force: true });
    }
    kept.sort((a, b) => b.t - a.t);
    for (const { f } of kept.slice(MAX_FILES)) fs.rmSync(`${dir}/${f}`, { force: true });
  } catch {
    // a cache is an optimisation: a full disk or a read-only /var must not fail the command
  }
}

const source = fs.readFileSync(bundle, 'utf8');
const dir = cacheDir();
// the first argument that looks like a command ("run", "ps", "container"): the set of functions
// a call compiles depends mostly on it
const word = process.argv.slice(2).find((a) => /^[a-z][a-z-]{0,31}$/.test(a)) || 'none';
const file = dir && `${dir}/${NAME}-${HASH}-${process.version}-${word}`;
let cachedData;
if (file) {
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    // none yet
  }
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
// only after a command that succeeded: a mistyped command or a failure is no call to prepare for
if (file && (!cachedData || script.cachedDataRejected)) process.once('exit', (code) => code === 0 && save(dir, file, script));
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, __dirname);
