import type { LinuxBlockIO, LinuxResources } from '../../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { hasCgroupFile, parseCgroupUint, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { checkDeviceNumber, checkInteger } from '../resource-checks.ts';
import type { BlkioEntry, BlkioStatKey, CgroupStats } from '../stats.ts';

// cgroup v1 blkio: proportional weights (CFQ's blkio.weight, or BFQ's blkio.bfq.weight on
// kernels since 5.0, which removed CFQ) and throttling (blkio.throttle.*_device).

const F = 'linux.resources.blockIO';

export function isBlockIORequested(r: LinuxResources): boolean {
  const b = r.blockIO;
  if (!b) return false;
  return (
    b.weight !== undefined ||
    b.leafWeight !== undefined ||
    Boolean(b.weightDevice?.length) ||
    Boolean(b.throttleReadBpsDevice?.length) ||
    Boolean(b.throttleWriteBpsDevice?.length) ||
    Boolean(b.throttleReadIOPSDevice?.length) ||
    Boolean(b.throttleWriteIOPSDevice?.length)
  );
}

export const THROTTLES = [
  ['throttleReadBpsDevice', 'read_bps_device', 'rbps'],
  ['throttleWriteBpsDevice', 'write_bps_device', 'wbps'],
  ['throttleReadIOPSDevice', 'read_iops_device', 'riops'],
  ['throttleWriteIOPSDevice', 'write_iops_device', 'wiops'],
] as const;

// Weights are 10..1000 in the spec (CFQ's range; BFQ takes 1..1000, a superset). 0 means unset.
export function checkBlockIO(b: LinuxBlockIO): void {
  const weight = (field: string, v: number | undefined): void => {
    if (v !== undefined && v !== 0) checkInteger(field, v, { min: 10, max: 1000 });
  };
  weight(`${F}.weight`, b.weight);
  weight(`${F}.leafWeight`, b.leafWeight);
  b.weightDevice?.forEach((d, i) => {
    checkDeviceNumber(`${F}.weightDevice[${i}].major`, d.major);
    checkDeviceNumber(`${F}.weightDevice[${i}].minor`, d.minor);
    weight(`${F}.weightDevice[${i}].weight`, d.weight);
    weight(`${F}.weightDevice[${i}].leafWeight`, d.leafWeight);
  });
  for (const [key] of THROTTLES) {
    b[key]?.forEach((d, i) => {
      checkDeviceNumber(`${F}.${key}[${i}].major`, d.major);
      checkDeviceNumber(`${F}.${key}[${i}].minor`, d.minor);
      checkInteger(`${F}.${key}[${i}].rate`, d.rate, { min: 0 });
    });
  }
}

function applyBlkio(r: LinuxResources, dir: string, report: ApplyReport): void {
  const b = r.blockIO;
  if (!b) return;
  checkBlockIO(b);
  const bfq = hasCgroupFile(dir, 'blkio.bfq.weight');
  const weightFile = bfq ? 'blkio.bfq.weight' : 'blkio.weight';
  const weightDeviceFile = bfq ? 'blkio.bfq.weight_device' : 'blkio.weight_device';
  if (b.weight) {
    if (!bfq && !hasCgroupFile(dir, 'blkio.weight')) {
      throw new InvalidConfigError(`${F}.weight`, 'this kernel has no proportional io control (neither blkio.bfq.weight, the BFQ scheduler, nor CFQ\'s blkio.weight)');
    }
    writeCgroupFile(dir, weightFile, String(b.weight));
  }
  const hasLeaf = hasCgroupFile(dir, 'blkio.leaf_weight');
  if (b.leafWeight) {
    if (hasLeaf) writeCgroupFile(dir, 'blkio.leaf_weight', String(b.leafWeight));
    else report.warnings.push(`${F}.leafWeight: ignored, this kernel has no blkio.leaf_weight (leaf weights went with CFQ in Linux 5.0)`);
  }
  b.weightDevice?.forEach((d, i) => {
    if (d.weight) writeCgroupFile(dir, weightDeviceFile, `${d.major}:${d.minor} ${d.weight}`);
    if (d.leafWeight) {
      if (hasLeaf) writeCgroupFile(dir, 'blkio.leaf_weight_device', `${d.major}:${d.minor} ${d.leafWeight}`);
      else report.warnings.push(`${F}.weightDevice[${i}].leafWeight: ignored, this kernel has no blkio.leaf_weight_device`);
    }
  });
  // a rate of 0 removes the device's limit in v1
  for (const [key, file] of THROTTLES) {
    for (const d of b[key] ?? []) writeCgroupFile(dir, `blkio.throttle.${file}`, `${d.major}:${d.minor} ${d.rate}`);
  }
}

// "8:0 Read 4096" lines (or "8:0 4096" without an op); the closing "Total N" line is skipped.
export function parseBlkioStatFile(text: string, file: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/[\s:]+/).filter(Boolean);
    if (f.length < 3) continue;
    const [major, minor] = [parseCgroupUint(f[0]!, file), parseCgroupUint(f[1]!, file)];
    const op = f.length >= 4 ? f[2]! : '';
    out.push({ major, minor, op, value: parseCgroupUint(f[f.length >= 4 ? 3 : 2]!, file) });
  }
  return out;
}

// runc's order: the first group whose first file exists and has entries wins (BFQ with debug
// files, BFQ, CFQ, recursive throttle counters, then the plain throttle counters).
const STAT_GROUPS: [string, BlkioStatKey][][] = [
  [
    ['blkio.bfq.sectors_recursive', 'sectorsRecursive'],
    ['blkio.bfq.io_service_time_recursive', 'ioServiceTimeRecursive'],
    ['blkio.bfq.io_wait_time_recursive', 'ioWaitTimeRecursive'],
    ['blkio.bfq.io_merged_recursive', 'ioMergedRecursive'],
    ['blkio.bfq.io_queued_recursive', 'ioQueueRecursive'],
    ['blkio.bfq.time_recursive', 'ioTimeRecursive'],
    ['blkio.bfq.io_serviced_recursive', 'ioServicedRecursive'],
    ['blkio.bfq.io_service_bytes_recursive', 'ioServiceBytesRecursive'],
  ],
  [
    ['blkio.bfq.io_serviced_recursive', 'ioServicedRecursive'],
    ['blkio.bfq.io_service_bytes_recursive', 'ioServiceBytesRecursive'],
  ],
  [
    ['blkio.sectors_recursive', 'sectorsRecursive'],
    ['blkio.io_service_time_recursive', 'ioServiceTimeRecursive'],
    ['blkio.io_wait_time_recursive', 'ioWaitTimeRecursive'],
    ['blkio.io_merged_recursive', 'ioMergedRecursive'],
    ['blkio.io_queued_recursive', 'ioQueueRecursive'],
    ['blkio.time_recursive', 'ioTimeRecursive'],
    ['blkio.io_serviced_recursive', 'ioServicedRecursive'],
    ['blkio.io_service_bytes_recursive', 'ioServiceBytesRecursive'],
  ],
  [
    ['blkio.throttle.io_serviced_recursive', 'ioServicedRecursive'],
    ['blkio.throttle.io_service_bytes_recursive', 'ioServiceBytesRecursive'],
  ],
  [
    ['blkio.throttle.io_serviced', 'ioServicedRecursive'],
    ['blkio.throttle.io_service_bytes', 'ioServiceBytesRecursive'],
  ],
];

function blkioStats(dir: string, into: CgroupStats): void {
  for (const group of STAT_GROUPS) {
    const first = readCgroupFileIfExists(dir, group[0]![0]);
    if (first === undefined || parseBlkioStatFile(first, group[0]![0]).length === 0) continue;
    for (const [file, key] of group) {
      const text = readCgroupFileIfExists(dir, file);
      if (text !== undefined) into.blkio[key] = parseBlkioStatFile(text, file);
    }
    return;
  }
}

export const v1Blkio: CgroupController = {
  name: 'blkio',
  field: 'linux.resources.blockIO',
  isRequested: isBlockIORequested,
  apply: applyBlkio,
  stats: blkioStats,
};
