// Seeds a berth store with busybox:latest built from Debian's busybox-static, offline.
// Usage: node scripts/seed-busybox-image.ts [--root DIR] [--busybox PATH] [--force]
// --root defaults to $BERTH_ROOT or /var/lib/berth. Without --force an existing busybox:latest
// is left alone. Prints the image id.
import { openImageStore, DEFAULT_ROOT } from '../src/image/store/open-image-store.ts';
import { seedBusybox, BUSYBOX_REFERENCE } from '../src/image/seed/seed-busybox.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = flag('--root') ?? process.env['BERTH_ROOT'] ?? DEFAULT_ROOT;
const busybox = flag('--busybox') ?? '/bin/busybox';
const store = await openImageStore(root, { layers: true });
const existing = store.find(BUSYBOX_REFERENCE);
if (existing && !args.includes('--force')) {
  process.stdout.write(`${existing.id} (busybox:latest already in ${root})\n`);
} else {
  const r = await seedBusybox(store, busybox);
  process.stdout.write(`${r.id}\n`);
}
