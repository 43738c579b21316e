import type { PruneFilters } from '../../engine/workflow.ts';
import { BerthError } from '../../lib/errors.ts';
import { parseDuration } from '../../lib/units.ts';

// docker's --filter for prune: until=<timestamp|duration>, label=<key>[=<value>], label!=...
export function parsePruneFilters(list: string[], allowed = ['until', 'label', 'label!']): PruneFilters {
  const f: PruneFilters = { labels: [] };
  for (const item of list) {
    const i = item.indexOf('=');
    if (i <= 0) throw new BerthError('E_INVALID_FILTER', `bad format of filter (expected name=value): ${item}`);
    const key = item.slice(0, i);
    const value = item.slice(i + 1);
    if (!allowed.includes(key)) throw new BerthError('E_INVALID_FILTER', `invalid filter '${key}'`);
    if (key === 'until') f.until = parseUntil(value);
    else {
      const j = value.indexOf('=');
      f.labels.push({ key: j < 0 ? value : value.slice(0, j), ...(j < 0 ? {} : { value: value.slice(j + 1) }), negate: key === 'label!' });
    }
  }
  return f;
}

// A Go duration before now, a Unix timestamp (seconds, with a fraction), or a date.
export function parseUntil(v: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v)) return now - parseDuration(v, 'until');
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new BerthError('E_INVALID_FILTER', `failed to parse value as time or duration: "${v}"`);
  return t;
}
