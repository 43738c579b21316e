// The kernel's list format for cpuset.cpus and cpuset.mems: "0-3,8,10-11".

const LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

// Empty means "inherit" to the OCI spec; otherwise ranges must be ascending.
export function isValidCpuList(text: string): boolean {
  const t = text.trim();
  if (t === '') return true;
  if (!LIST.test(t)) return false;
  return t.split(',').every((part) => {
    const [from, to] = part.split('-').map(Number);
    return to === undefined || from! <= to;
  });
}

// "0-3,8" -> [0, 1, 2, 3, 8]
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (!part) continue;
    const [from, to] = part.split('-').map(Number);
    if (!Number.isInteger(from)) continue;
    const last = to === undefined || !Number.isInteger(to) ? from! : to;
    for (let i = from!; i <= last; i++) out.push(i);
  }
  return out;
}
