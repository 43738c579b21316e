// docker's go-units: sizes in decimal units with 3 significant digits ("1.24MB", "5.6kB") and
// durations as `docker images` prints them ("2 hours ago").
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

// `docker images` uses precision 3, progress bars 4 (go-units HumanSizeWithPrecision).
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(precision))}${UNITS[i]}`;
}

// BytesSize: binary units as docker's progress bars use them ("3.2MiB").
const BIN = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
export function binarySize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < BIN.length - 1) {
    size /= 1024;
    i++;
  }
  return `${Number(size.toPrecision(3))}${BIN[i]}`;
}

// go-units HumanDuration.
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(ms / 60_000);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(ms / 3_600_000);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

export function timeAgo(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t) || t <= 0) return 'N/A';
  return `${humanDuration(now - t)} ago`;
}
