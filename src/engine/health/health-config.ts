import type { HealthConfig } from '../../oci/image-spec.ts';

// docker's defaults (daemon/health.go), durations in nanoseconds as in HealthConfig
export const DEFAULT_INTERVAL_NS = 30e9;
export const DEFAULT_TIMEOUT_NS = 30e9;
export const DEFAULT_START_PERIOD_NS = 0;
export const DEFAULT_START_INTERVAL_NS = 5e9;
export const DEFAULT_RETRIES = 3;
// longest probe output kept, and how many results the log keeps
export const MAX_OUTPUT = 4096;
export const MAX_LOG_ENTRIES = 5;

export interface EffectiveHealth {
  // the argv to exec in the container
  command: string[];
  intervalNs: number;
  timeoutNs: number;
  startPeriodNs: number;
  startIntervalNs: number;
  retries: number;
}

// docker's merge of --health-* with the image's HEALTHCHECK: each field the user left out comes
// from the image; no user config at all keeps the image's.
export function mergeHealthConfig(user: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!user) return image;
  if (!image) return user;
  return {
    ...image,
    ...user,
    ...(user.Test && user.Test.length > 0 ? {} : image.Test ? { Test: image.Test } : {}),
  };
}

// The check to run, or undefined when there is none (no config, no test, or NONE). CMD runs
// its arguments, CMD-SHELL its text through /bin/sh -c.
export function effectiveHealth(h: HealthConfig | undefined): EffectiveHealth | undefined {
  const test = h?.Test ?? [];
  let command: string[];
  if (test[0] === 'CMD') command = test.slice(1);
  else if (test[0] === 'CMD-SHELL') command = ['/bin/sh', '-c', test.slice(1).join(' ')];
  else return undefined;
  if (command.length === 0) return undefined;
  const positive = (v: number | undefined, d: number): number => (v !== undefined && v > 0 ? v : d);
  return {
    command,
    intervalNs: positive(h!.Interval, DEFAULT_INTERVAL_NS),
    timeoutNs: positive(h!.Timeout, DEFAULT_TIMEOUT_NS),
    startPeriodNs: positive(h!.StartPeriod, DEFAULT_START_PERIOD_NS),
    startIntervalNs: positive(h!.StartInterval, DEFAULT_START_INTERVAL_NS),
    retries: positive(h!.Retries, DEFAULT_RETRIES),
  };
}

// Go's time.Duration String(): "30s", "1.5s", "500ms", "1m30s", "1h0m0s".
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(Math.round(ns));
  const sign = neg ? '-' : '';
  if (u < 1e9) {
    const [unit, div] = u < 1e3 ? ['ns', 1] : u < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${trim((u / (div as number)).toFixed(9))}${unit}`;
  }
  const h = Math.floor(u / 3600e9);
  u -= h * 3600e9;
  const m = Math.floor(u / 60e9);
  u -= m * 60e9;
  const s = `${trim((u / 1e9).toFixed(9))}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}

function trim(fixed: string): string {
  return fixed.replace(/\.?0+$/, '');
}
