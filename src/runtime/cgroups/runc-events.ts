import type { BlkioEntry, CgroupStats, HugetlbEntry, MemoryEntry, PsiStats } from './stats.ts';
import { BLKIO_STAT_KEYS } from './stats.ts';

// The JSON lines of `runc events`: {"type":"stats","id":..,"data":{..}} and {"type":"oom","id":..}.
// runc encodes types.Stats with Go's encoding/json; the omitempty/omitzero tags of
// types/events.go decide which zero fields are left out, and this follows them field by field
// so that the output is the same bytes for the same numbers (map keys sorted, as Go does).

type Json = bigint | number | string | boolean | null | Json[] | { [k: string]: Json };

const isZeroEntry = (m: MemoryEntry): boolean => m.limit === 0n && m.usage === 0n && m.max === 0n && m.failcnt === 0n;

function memoryEntry(m: MemoryEntry): Json {
  const o: Record<string, Json> = { limit: m.limit };
  if (m.usage) o['usage'] = m.usage;
  if (m.max) o['max'] = m.max;
  o['failcnt'] = m.failcnt;
  return o;
}

function psi(p: PsiStats): Json {
  // runc's PSIStats has omitzero on some and full; their fields are always written
  const o: Record<string, Json> = {};
  for (const k of ['some', 'full'] as const) {
    const d = p[k];
    if (d.avg10 || d.avg60 || d.avg300 || d.total) o[k] = { avg10: d.avg10, avg60: d.avg60, avg300: d.avg300, total: d.total };
  }
  return o;
}

function blkioEntry(e: BlkioEntry): Json {
  const o: Record<string, Json> = {};
  if (e.major) o['major'] = e.major;
  if (e.minor) o['minor'] = e.minor;
  if (e.op) o['op'] = e.op;
  if (e.value) o['value'] = e.value;
  return o;
}

function hugetlbEntry(h: HugetlbEntry): Json {
  const o: Record<string, Json> = {};
  if (h.usage) o['usage'] = h.usage;
  if (h.max) o['max'] = h.max;
  o['failcnt'] = h.failcnt;
  return o;
}

function sortedRecord<T>(r: Record<string, T>, f: (v: T) => Json): Record<string, Json> {
  const o: Record<string, Json> = {};
  for (const k of Object.keys(r).sort()) o[k] = f(r[k]!);
  return o;
}

export function runcStatsData(s: CgroupStats): Json {
  const u = s.cpu.usage;
  const usage: Record<string, Json> = {};
  if (u.total) usage['total'] = u.total;
  if (u.percpu.length) usage['percpu'] = u.percpu;
  if (u.percpu_kernel.length) usage['percpu_kernel'] = u.percpu_kernel;
  if (u.percpu_user.length) usage['percpu_user'] = u.percpu_user;
  usage['kernel'] = u.kernel;
  usage['user'] = u.user;
  const usageIsZero = !u.total && !u.percpu.length && !u.percpu_kernel.length && !u.percpu_user.length && !u.kernel && !u.user;
  const t = s.cpu.throttling;
  const throttling: Record<string, Json> = {};
  if (t.periods) throttling['periods'] = t.periods;
  if (t.throttledPeriods) throttling['throttledPeriods'] = t.throttledPeriods;
  if (t.throttledTime) throttling['throttledTime'] = t.throttledTime;
  const cpu: Record<string, Json> = {};
  if (!usageIsZero) cpu['usage'] = usage;
  if (Object.keys(throttling).length) cpu['throttling'] = throttling;
  if (s.cpu.psi) cpu['psi'] = psi(s.cpu.psi);

  const c = s.cpuset;
  const cpuset: Record<string, Json> = {};
  if (c.cpus.length) cpuset['cpus'] = c.cpus;
  cpuset['cpu_exclusive'] = c.cpu_exclusive;
  if (c.mems.length) cpuset['mems'] = c.mems;
  cpuset['mem_hardwall'] = c.mem_hardwall;
  cpuset['mem_exclusive'] = c.mem_exclusive;
  cpuset['memory_migrate'] = c.memory_migrate;
  cpuset['memory_spread_page'] = c.memory_spread_page;
  cpuset['memory_spread_slab'] = c.memory_spread_slab;
  cpuset['memory_pressure'] = c.memory_pressure;
  cpuset['sched_load_balance'] = c.sched_load_balance;
  cpuset['sched_relax_domain_level'] = c.sched_relax_domain_level;

  const m = s.memory;
  const memory: Record<string, Json> = {};
  if (m.cache) memory['cache'] = m.cache;
  for (const k of ['usage', 'swap', 'kernel', 'kernelTCP'] as const) if (!isZeroEntry(m[k])) memory[k] = memoryEntry(m[k]);
  if (Object.keys(m.raw).length) memory['raw'] = sortedRecord(m.raw, (v) => v);
  if (m.psi) memory['psi'] = psi(m.psi);

  const pids: Record<string, Json> = {};
  if (s.pids.current) pids['current'] = s.pids.current;
  if (s.pids.limit) pids['limit'] = s.pids.limit;

  const blkio: Record<string, Json> = {};
  for (const k of BLKIO_STAT_KEYS) if (s.blkio[k].length) blkio[k] = s.blkio[k].map(blkioEntry);
  if (s.blkio.psi) blkio['psi'] = psi(s.blkio.psi);

  return {
    cpu,
    cpuset,
    memory,
    pids,
    blkio,
    hugetlb: sortedRecord(s.hugetlb, hugetlbEntry),
    intel_rdt: {},
    network_interfaces: null,
  };
}

// JSON.rawJSON writes a bigint's digits as a JSON number, exactly (Node 21+).
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

function encode(value: Json): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? rawJSON(v.toString()) : v));
}

// One line of `runc events --stats`.
export function formatStatsEvent(id: string, stats: CgroupStats): string {
  return encode({ type: 'stats', id, data: runcStatsData(stats) });
}

// One line of `runc events` when the kernel OOM-killed a process of the container.
export function formatOomEvent(id: string): string {
  return encode({ type: 'oom', id });
}
