import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { hasCgroupFile, parseCgroupUint, parseNestedKeyed, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import type { BlkioEntry, CgroupStats } from '../stats.ts';
import { THROTTLES, checkBlockIO, isBlockIORequested } from '../v1/blkio.ts';
import { readPsi } from './psi.ts';

// cgroup v2 io: weights go to BFQ's io.bfq.weight (same 1..1000 scale as blkio) when the BFQ
// scheduler is there, else to io.weight (1..10000, converted); limits go to io.max as
// "MAJ:MIN rbps=N". leafWeight is a CFQ notion v2 never had: reported and ignored.

const F = 'linux.resources.blockIO';

// blkio's [10, 1000] onto io.weight's [1, 10000], linear (runc's ConvertBlkIOToIOWeightValue):
// 10 -> 1, 500 -> 4950, 1000 -> 10000.
export function convertBlkioWeightToIoWeight(weight: number): number {
  return 1 + Math.floor(((weight - 10) * 9999) / 990);
}

// io.bfq.weight reads "default 100" on kernels whose BFQ takes per-device weights (5.4+) and
// a bare "100" before.
function bfqTakesDeviceWeights(dir: string): boolean {
  const t = readCgroupFileIfExists(dir, 'io.bfq.weight');
  return t !== undefined && !/^\d+$/.test(t.trim());
}

function applyIo(r: LinuxResources, dir: string, report: ApplyReport): void {
  const b = r.blockIO;
  if (!b) return;
  checkBlockIO(b);
  if (b.leafWeight) report.warnings.push(`${F}.leafWeight: ignored on cgroup v2 (leaf weights were a CFQ feature)`);
  const bfq = hasCgroupFile(dir, 'io.bfq.weight');
  // read the format before writing to the file
  const perDeviceBfq = bfq && bfqTakesDeviceWeights(dir);
  if (b.weight) {
    if (bfq) writeCgroupFile(dir, 'io.bfq.weight', String(b.weight));
    else if (hasCgroupFile(dir, 'io.weight')) writeCgroupFile(dir, 'io.weight', String(convertBlkioWeightToIoWeight(b.weight)));
    else throw new InvalidConfigError(`${F}.weight`, 'this kernel has no proportional io control (neither io.bfq.weight, the BFQ scheduler, nor io.weight, iocost)');
  }
  b.weightDevice?.forEach((d, i) => {
    if (d.leafWeight) report.warnings.push(`${F}.weightDevice[${i}].leafWeight: ignored on cgroup v2 (leaf weights were a CFQ feature)`);
    if (!d.weight) return;
    // runc drops device weights without BFQ; io.weight takes "MAJ:MIN WEIGHT" overrides too
    if (perDeviceBfq) writeCgroupFile(dir, 'io.bfq.weight', `${d.major}:${d.minor} ${d.weight}`);
    else if (hasCgroupFile(dir, 'io.weight')) writeCgroupFile(dir, 'io.weight', `${d.major}:${d.minor} ${convertBlkioWeightToIoWeight(d.weight)}`);
    else report.warnings.push(`${F}.weightDevice[${i}]: ignored, this kernel has neither io.bfq.weight per device nor io.weight`);
  });
  // v1 removes a device's limit with a rate of 0; io.max spells that "max"
  for (const [key, , name] of THROTTLES) {
    for (const d of b[key] ?? []) writeCgroupFile(dir, 'io.max', `${d.major}:${d.minor} ${name}=${d.rate === 0 ? 'max' : d.rate}`);
  }
}

// io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" -> runc's v1-shaped tables.
function ioStats(dir: string, into: CgroupStats): void {
  const text = readCgroupFileIfExists(dir, 'io.stat');
  if (text !== undefined) {
    const bytes: BlkioEntry[] = [];
    const ios: BlkioEntry[] = [];
    for (const [dev, fields] of parseNestedKeyed(text)) {
      const [maj, min] = dev.split(':');
      if (maj === undefined || min === undefined) continue;
      const major = parseCgroupUint(maj, 'io.stat');
      const minor = parseCgroupUint(min, 'io.stat');
      const add = (table: BlkioEntry[], key: string, op: string): void => {
        const v = fields.get(key);
        if (v !== undefined) table.push({ major, minor, op, value: parseCgroupUint(v, `io.stat ${key}`) });
      };
      add(bytes, 'rbytes', 'Read');
      add(bytes, 'wbytes', 'Write');
      add(ios, 'rios', 'Read');
      add(ios, 'wios', 'Write');
    }
    into.blkio.ioServiceBytesRecursive = bytes;
    into.blkio.ioServicedRecursive = ios;
  }
  const psi = readPsi(dir, 'io.pressure');
  if (psi) into.blkio.psi = psi;
}

// Only what v2 can apply needs the controller.
function isRequested(r: LinuxResources): boolean {
  if (!isBlockIORequested(r)) return false;
  const b = r.blockIO!;
  return Boolean(b.weight) || Boolean(b.weightDevice?.some((d) => d.weight)) || THROTTLES.some(([key]) => Boolean(b[key]?.length));
}

export const v2Io: CgroupController = {
  name: 'io',
  field: 'linux.resources.blockIO',
  isRequested,
  apply: applyIo,
  stats: ioStats,
};
