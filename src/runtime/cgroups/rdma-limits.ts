import { InvalidConfigError } from '../../lib/errors.ts';
import { checkInteger } from './resource-checks.ts';

// linux.resources.rdma -> rdma.max lines, one per device: "mlx4_0 hca_handle=2 hca_object=2000".
// Only the fields the config gives are written; the kernel keeps the other one as it was (runc
// does the same). The device name must be one word, or rdma.max would parse it as a key.

const F = 'linux.resources.rdma';
const DEVICE = /^[A-Za-z0-9_.-]{1,63}$/;

export function rdmaMaxLines(rdma: Record<string, { hcaHandles?: number; hcaObjects?: number }>): string[] {
  const lines: string[] = [];
  for (const [device, l] of Object.entries(rdma)) {
    if (!DEVICE.test(device)) throw new InvalidConfigError(`${F}["${device}"]`, 'is not an rdma device name');
    let line = device;
    if (l.hcaHandles !== undefined) line += ` hca_handle=${checkInteger(`${F}["${device}"].hcaHandles`, l.hcaHandles, { min: 0, max: 0x7fff_ffff })}`;
    if (l.hcaObjects !== undefined) line += ` hca_object=${checkInteger(`${F}["${device}"].hcaObjects`, l.hcaObjects, { min: 0, max: 0x7fff_ffff })}`;
    if (line !== device) lines.push(line);
  }
  return lines;
}
