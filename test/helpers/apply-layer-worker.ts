// A separate process applying one layer, for the store's concurrency and crash tests:
//   node apply-layer-worker.ts <root> <chainId> <diffId> <tarFile> [--parent ID] [--delay MS] [--hang-after BYTES]
// --delay sleeps between 64 KiB chunks (so two writers overlap); --hang-after stops feeding the
// tar after that many bytes and waits forever (so a test can SIGKILL it mid-layer).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLayerStore } from '../../src/storage/layers/layer-store.ts';

const [root, chainId, diffId, tarFile, ...rest] = process.argv.slice(2);
const opt = (name: string) => {
  const i = rest.indexOf(name);
  return i < 0 ? undefined : rest[i + 1];
};
const delay = Number(opt('--delay') ?? 0);
const hangAfter = opt('--hang-after') === undefined ? Infinity : Number(opt('--hang-after'));
const parent = opt('--parent');
const bytes = readFileSync(tarFile!);

async function* feed(): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 65536) {
    if (i >= hangAfter) {
      process.stdout.write('hanging\n');
      await new Promise(() => setInterval(() => {}, 1 << 30));
    }
    if (delay) await sleep(delay);
    yield bytes.subarray(i, i + 65536);
  }
}

const store = openLayerStore(root!);
const r = await store.applyLayer({ chainId: chainId!, diffId: diffId!, tar: feed(), ...(parent ? { parent } : {}) });
process.stdout.write(`${JSON.stringify(r)}\n`);
