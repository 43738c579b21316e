import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec } from '../../src/oci/runtime-spec.ts';
import { defaultSpec } from '../../src/runtime/default-spec.ts';
import { busyboxRootfs } from './busybox-rootfs.ts';

export interface Bundle {
  dir: string;
  rootfs: string;
  spec: Spec;
  write(): void;
  remove(): void;
}

// A bundle of its own for one test: a copy of the busybox rootfs and `berth-runtime spec`'s
// config with the test's changes (crun's base_config + mutation).
export function makeBundle(mutate: (spec: Spec) => void = () => {}): Bundle {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
  const rootfs = join(dir, 'rootfs');
  execFileSync('cp', ['-a', busyboxRootfs(), rootfs]);
  const spec = defaultSpec();
  spec.process!.terminal = false;
  spec.root!.readonly = false;
  mutate(spec);
  const bundle: Bundle = {
    dir,
    rootfs,
    spec,
    write: () => writeFileSync(join(dir, 'config.json'), JSON.stringify(spec, null, 2)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  bundle.write();
  return bundle;
}
