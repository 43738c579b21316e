import { TarFormatError } from './tar-format-error.ts';

// PAX extended header records: "<len> <key>=<value>\n", where <len> counts the whole record
// including itself. Values are bytes: most are UTF-8 text, but SCHILY.xattr.* values are raw
// (a file capability is a binary struct), so records are kept as Buffers until the caller knows
// which key it is looking at.

export function parsePaxRecords(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    // GNU tar and others pad the header data with NULs
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) throw new TarFormatError(`malformed pax record at offset ${pos}`);
    const len = Number(data.toString('latin1', pos, space));
    if (!Number.isSafeInteger(len) || len <= space - pos + 1 || pos + len > data.length) {
      throw new TarFormatError(`malformed pax record length at offset ${pos}`);
    }
    const end = pos + len;
    if (data[end - 1] !== 0x0a) throw new TarFormatError(`pax record at offset ${pos} does not end with a newline`);
    const eq = data.indexOf(0x3d, space + 1);
    if (eq < 0 || eq >= end) throw new TarFormatError(`pax record at offset ${pos} has no "="`);
    const key = data.toString('utf8', space + 1, eq);
    out.set(key, data.subarray(eq + 1, end - 1));
    pos = end;
  }
  return out;
}

// Encodes one record. The length prefix counts its own digits, so it may need one more digit
// than a first guess.
export function formatPaxRecord(key: string, value: Buffer | string): Buffer {
  const k = Buffer.from(key, 'utf8');
  const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const base = 1 + k.length + 1 + v.length + 1; // space, key, '=', value, '\n'
  let len = base + String(base).length;
  if (String(len).length !== String(len - base).length) len = base + String(len).length;
  const out = Buffer.allocUnsafe(len);
  let o = out.write(`${len} `, 0, 'latin1');
  o += k.copy(out, o);
  out[o++] = 0x3d;
  o += v.copy(out, o);
  out[o] = 0x0a;
  return out;
}

// PAX times: decimal seconds with an optional fraction, possibly negative ("-1.25" is 1.25 s
// before the epoch, i.e. second -2 plus 0.75 s).
export function parsePaxTime(text: string, key: string): { sec: number; nsec: number } {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new TarFormatError(`invalid pax ${key} "${text}"`);
  const whole = Number(m[2]);
  const frac = (m[3] ?? '').slice(0, 9).padEnd(9, '0');
  let nsec = Number(frac);
  let sec = whole;
  if (m[1] === '-') {
    sec = -whole;
    if (nsec > 0) {
      sec -= 1;
      nsec = 1e9 - nsec;
    }
  }
  if (!Number.isSafeInteger(sec)) throw new TarFormatError(`pax ${key} out of range "${text}"`);
  return { sec, nsec };
}

export function formatPaxTime(sec: number, nsec: number): string {
  if (nsec === 0) return String(sec);
  let whole = sec;
  let frac = nsec;
  let sign = '';
  if (sec < 0) {
    // -2 s + 0.75 s is written "-1.25"
    sign = '-';
    whole = -(sec + 1);
    frac = 1e9 - nsec;
  }
  return `${sign}${whole}.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
}
