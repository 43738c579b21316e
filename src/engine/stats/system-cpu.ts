import { readFileSync } from 'node:fs';

// The host's CPU time in nanoseconds (the first seven fields of /proc/stat's "cpu" line, in
// clock ticks of 1/100 s, as docker reads it) and its number of CPUs (the "cpuN" lines).
export function systemCpuUsage(): { usageNs: number; onlineCpus: number } {
  let usageNs = 0;
  let onlineCpus = 0;
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    if (!line.startsWith('cpu')) break;
    if (line[3] === ' ') {
      const ticks = line.trim().split(/\s+/).slice(1, 8).reduce((n, v) => n + Number(v), 0);
      usageNs = (ticks * 1e9) / 100;
    } else if (/^cpu\d/.test(line)) onlineCpus++;
  }
  return { usageNs, onlineCpus };
}
