// docker/go-units' size strings exactly as Go prints them: BytesSize ("%.4g" over 1024, KiB..)
// and HumanSizeWithPrecision ("%.*g" over 1000, kB..). Go's %g switches to an exponent when
// the rounded value needs more digits than the precision ("1e+03kB"), which docker shows too.
import { formatFloat } from './go-template/format-float.ts';

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function customSize(size: number, precision: number, base: number, units: string[]): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return `${formatFloat(size, 'g', precision)}${units[i]}`;
}

// go-units BytesSize: "1.953MiB", "7.657GiB", "0B".
export function goBytesSize(bytes: number): string {
  return customSize(bytes, 4, 1024, BINARY);
}

// go-units HumanSizeWithPrecision: "1.23MB", "0B".
export function goHumanSize(bytes: number, precision = 3): string {
  return customSize(bytes, precision, 1000, DECIMAL);
}
