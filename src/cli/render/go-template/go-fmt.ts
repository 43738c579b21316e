// Go's fmt (Sprint, Sprintln, Sprintf) over the value model of go-values.ts: verbs, flags,
// width and precision, %v of maps (sorted keys), slices and structs, and the %!verb(type=value)
// error forms, as the print/printf/println builtins and action output need them.
import { formatFloat } from './format-float.ts';
import { canBackquote, quote, quoteRune } from './go-quote.ts';
import {
  GoComplex, GoFloat, GoUint8, Iface, kindOf, numberOf, sortedMapEntries, structFields, typeName,
} from './go-values.ts';
import { isPrint } from './unicode-classes.ts';
import { runeCount, utf8Bytes } from './utf8-bytes.ts';

const ldigits = '0123456789abcdefx';
const udigits = '0123456789ABCDEFX';

// A class instance with a String() method is a fmt.Stringer; an Error is a Go error.
function stringerText(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (v instanceof Error) return v.message;
  const s = (v as { String?: unknown }).String;
  if (typeof s === 'function' && s.length === 0 && !Array.isArray(v) && !(v instanceof Map)) {
    const out = (s as () => unknown).call(v);
    if (typeof out === 'string') return out;
  }
  return undefined;
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

class Printer {
  buf = '';
  // fmt.fmtFlags
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;
  erroring = false;
  reordered = false;
  goodArgNum = true;

  clearflags(): void {
    this.widPresent = this.precPresent = this.minus = this.plus = this.sharp = false;
    this.space = this.zero = this.plusV = this.sharpV = false;
    this.wid = this.prec = 0;
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  fmtUnicode(v: number | bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    // Go formats the value as a uint64: a negative int wraps around
    const u = v < 0 ? BigInt(v) + (1n << 64n) : v;
    let s = 'U+' + u.toString(16).toUpperCase().padStart(prec, '0');
    if (this.sharp && typeof u === 'number' && u <= 0x10ffff && isPrint(u)) s += ` '${String.fromCodePoint(u)}'`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  // fmt.fmtInteger; `v` is the signed or unsigned value as a bigint or safe number.
  fmtInteger(v: number | bigint, base: number, verb: string, digits: string): void {
    const negative = v < 0;
    let abs: string = (negative ? -v : v).toString(base);
    if (digits === udigits) abs = abs.toUpperCase();
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && abs === '0') {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    if (abs.length < prec) abs = '0'.repeat(prec - abs.length) + abs;
    if (this.sharp) {
      if (base === 2) abs = '0b' + abs;
      else if (base === 8) {
        if (abs[0] !== '0') abs = '0' + abs;
      } else if (base === 16) abs = '0' + digits[16] + abs;
    }
    if (verb === 'O') abs = '0o' + abs;
    if (negative) abs = '-' + abs;
    else if (this.plus) abs = '+' + abs;
    else if (this.space) abs = ' ' + abs;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(abs);
    this.zero = oldZero;
  }

  truncateString(s: string): string {
    if (this.precPresent) {
      let n = this.prec;
      let i = 0;
      for (const ch of s) {
        n--;
        if (n < 0) return s.slice(0, i);
        i += ch.length;
      }
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  fmtSx(s: string, digits: string): void {
    let bytes = utf8Bytes(s);
    let length = bytes.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) {
        width += 2;
      }
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    let out = '';
    if (this.sharp) out += '0' + digits[16];
    bytes = bytes.subarray(0, length);
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += ' ';
        if (this.sharp) out += '0' + digits[16];
      }
      const c = bytes[i]!;
      out += digits[c >> 4]! + digits[c & 0xf]!;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(quote(s, this.plus));
  }

  fmtC(c: number): void {
    const r = c > 0x10ffff || c < 0 || (c >= 0xd800 && c <= 0xdfff) ? 0xfffd : c;
    this.pad(String.fromCodePoint(r));
  }

  fmtQc(c: number): void {
    this.pad(quoteRune(c > 0x10ffff || c < 0 ? 0xfffd : c, this.plus));
  }

  // fmt.fmtFloat(v, 64, verb, prec)
  fmtFloatNum(v: number, verb: string, prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let body = num;
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i]!;
        if (c === '.') {
          hasDecimalPoint = true;
        } else if (c === 'p' || c === 'P') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else {
          if (c !== '0') sawNonzeroDigit = true;
          if (sawNonzeroDigit) digits--;
        }
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // pp methods

  badVerb(verb: string, arg: unknown): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    if (arg === null || arg === undefined) this.buf += '<nil>';
    else {
      this.buf += typeName(arg) + '=';
      this.printArg(arg, 'v');
    }
    this.buf += ')';
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.fmtBoolean(v);
    else this.badVerb(verb, v);
  }

  fmtIntegerVerb(v: number | bigint, signed: boolean, verb: string, arg: unknown): void {
    switch (verb) {
      case 'v':
        if (this.sharpV && !signed) {
          const sharp = this.sharp;
          this.sharp = true;
          this.fmtInteger(v, 16, 'v', ldigits);
          this.sharp = sharp;
        } else this.fmtInteger(v, 10, verb, ldigits);
        return;
      case 'd': this.fmtInteger(v, 10, verb, ldigits); return;
      case 'b': this.fmtInteger(v, 2, verb, ldigits); return;
      case 'o': case 'O': this.fmtInteger(v, 8, verb, ldigits); return;
      case 'x': this.fmtInteger(v, 16, verb, ldigits); return;
      case 'X': this.fmtInteger(v, 16, verb, udigits); return;
      case 'c': this.fmtC(Number(v)); return;
      case 'q': this.fmtQc(Number(v)); return;
      case 'U': this.fmtUnicode(v); return;
    }
    this.badVerb(verb, arg);
  }

  fmtFloat(v: number, verb: string, arg: unknown): void {
    switch (verb) {
      case 'v': this.fmtFloatNum(v, 'g', -1); return;
      case 'b': case 'g': case 'G': case 'x': case 'X': this.fmtFloatNum(v, verb, -1); return;
      case 'f': case 'e': case 'E': this.fmtFloatNum(v, verb, 6); return;
      case 'F': this.fmtFloatNum(v, 'f', 6); return;
    }
    this.badVerb(verb, arg);
  }

  fmtComplex(v: GoComplex, verb: string): void {
    switch (verb) {
      case 'v': case 'b': case 'g': case 'G': case 'x': case 'X': case 'f': case 'F': case 'e': case 'E': {
        const oldPlus = this.plus;
        this.buf += '(';
        this.fmtFloat(v.re, verb, v);
        this.plus = true;
        this.fmtFloat(v.im, verb, v);
        this.buf += 'i)';
        this.plus = oldPlus;
        return;
      }
    }
    this.badVerb(verb, v);
  }

  fmtString(v: string, verb: string, arg: unknown): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case 's': this.fmtS(v); return;
      case 'x': this.fmtSx(v, ldigits); return;
      case 'X': this.fmtSx(v, udigits); return;
      case 'q': this.fmtQ(v); return;
    }
    this.badVerb(verb, arg);
  }

  handleMethods(arg: unknown, verb: string): boolean {
    if (this.erroring || this.sharpV) return false;
    if (verb !== 'v' && verb !== 's' && verb !== 'x' && verb !== 'X' && verb !== 'q') return false;
    const text = stringerText(arg);
    if (text === undefined) return false;
    this.fmtString(text, verb, arg);
    return true;
  }

  // pp.printArg: `arg` is what a Go `any` holds (null for nil).
  printArg(arg: unknown, verb: string): void {
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, null);
      return;
    }
    if (arg instanceof Iface) arg = arg.v;
    if (verb === 'T') {
      this.fmtS(typeName(arg));
      return;
    }
    if (verb === 'p') {
      this.badVerb(verb, arg);
      return;
    }
    switch (typeof arg) {
      case 'string': this.fmtString(arg, verb, arg); return;
      case 'boolean': this.fmtBool(arg, verb); return;
      case 'number':
        if (Number.isSafeInteger(arg)) this.fmtIntegerVerb(arg, true, verb, arg);
        else this.fmtFloat(arg, verb, arg);
        return;
      case 'bigint': this.fmtIntegerVerb(arg, true, verb, arg); return;
    }
    if (arg instanceof GoFloat) return this.fmtFloat(arg.value, verb, arg);
    if (arg instanceof GoUint8) return this.fmtIntegerVerb(arg.value, false, verb, arg);
    if (arg instanceof GoComplex) return this.fmtComplex(arg, verb);
    if (!this.handleMethods(arg, verb)) this.printValue(arg, verb, 0);
  }

  printValue(value: unknown, verb: string, depth: number): void {
    if (depth > 0 && value !== null && value !== undefined && this.handleMethods(value instanceof Iface ? value.v : value, verb)) return;
    switch (kindOf(value)) {
      case 'invalid':
        if (depth === 0) this.buf += '<invalid reflect.Value>';
        else if (verb === 'v') this.buf += '<nil>';
        else this.badVerb(verb, null);
        return;
      case 'interface':
        if (value === null) this.buf += this.sharpV ? 'interface {}(nil)' : '<nil>';
        else this.printValue((value as Iface).v, verb, depth + 1);
        return;
      case 'bool': this.fmtBool(value as boolean, verb); return;
      case 'int': case 'int64': this.fmtIntegerVerb(value as number | bigint, true, verb, value); return;
      case 'uint8': this.fmtIntegerVerb(numberOf(value), false, verb, value); return;
      case 'float64': this.fmtFloat(numberOf(value), verb, value); return;
      case 'complex128': this.fmtComplex(value as GoComplex, verb); return;
      case 'string': this.fmtString(value as string, verb, value); return;
      case 'func': this.pad('<func>'); return;
      case 'map': {
        if (this.sharpV) this.buf += typeName(value) + '{';
        else this.buf += 'map[';
        let first = true;
        for (const [k, v] of sortedMapEntries(value as object)) {
          if (!first) this.buf += this.sharpV ? ', ' : ' ';
          first = false;
          this.printValue(k, verb, depth + 1);
          this.buf += ':';
          this.printValue(v === null ? null : v, verb, depth + 1);
        }
        this.buf += this.sharpV ? '}' : ']';
        return;
      }
      case 'struct': {
        if (this.sharpV) this.buf += typeName(value);
        this.buf += '{';
        let first = true;
        for (const [name, v] of structFields(value as object)) {
          if (!first) this.buf += this.sharpV ? ', ' : ' ';
          first = false;
          if (this.plusV || this.sharpV) this.buf += name + ':';
          this.printValue(v, verb, depth + 1);
        }
        this.buf += '}';
        return;
      }
      case 'slice': {
        const arr = value as unknown[];
        if (this.sharpV) {
          this.buf += typeName(value) + '{';
          for (let i = 0; i < arr.length; i++) {
            if (i > 0) this.buf += ', ';
            this.printValue(arr[i] ?? null, verb, depth + 1);
          }
          this.buf += '}';
        } else {
          this.buf += '[';
          for (let i = 0; i < arr.length; i++) {
            if (i > 0) this.buf += ' ';
            this.printValue(arr[i] ?? null, verb, depth + 1);
          }
          this.buf += ']';
        }
        return;
      }
    }
  }

  doPrintf(format: string, a: readonly unknown[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    let i = 0;
    formatLoop: while (i < end) {
      this.goodArgNum = true;
      const lasti = i;
      const pct = format.indexOf('%', i);
      i = pct < 0 ? end : pct;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.clearflags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case '#': this.sharp = true; break;
          case '0': this.zero = !this.minus; break;
          case '+': this.plus = true; break;
          case '-': this.minus = true; this.zero = false; break;
          case ' ': this.space = true; break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v') {
                this.sharpV = this.sharp;
                this.sharp = false;
                this.plusV = this.plus;
                this.plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }
      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i < end && format[i] === '*') {
        i++;
        [this.wid, this.widPresent, argNum] = intFromArg(a, argNum);
        if (!this.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.widPresent) this.goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) this.goodArgNum = false;
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format[i] === '*') {
          i++;
          [this.prec, this.precPresent, argNum] = intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = parsenum(format, i, end);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const cp = format.codePointAt(i)!;
      const verb = String.fromCodePoint(cp);
      i += verb.length;
      if (verb === '%') this.buf += '%';
      else if (!this.goodArgNum) this.buf += '%!' + verb + '(BADINDEX)';
      else if (argNum >= a.length) this.buf += '%!' + verb + '(MISSING)';
      else {
        if (verb === 'v') {
          this.sharpV = this.sharp;
          this.sharp = false;
          this.plusV = this.plus;
          this.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }
    if (!this.reordered && argNum < a.length) {
      this.clearflags();
      this.buf += '%!(EXTRA ';
      for (let k = argNum; k < a.length; k++) {
        if (k > argNum) this.buf += ', ';
        const arg = a[k];
        if (arg === null || arg === undefined) this.buf += '<nil>';
        else {
          this.buf += typeName(arg) + '=';
          this.printArg(arg, 'v');
        }
      }
      this.buf += ')';
    }
  }

  argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') return [argNum, i, false];
    this.reordered = true;
    const [index, wid, ok] = parseArgNumber(format.slice(i));
    if (ok && index >= 0 && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }
}

function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) {
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 0x30);
    isnum = true;
  }
  return [num, isnum, i];
}

function parseArgNumber(format: string): [number, number, boolean] {
  if (format.length < 3) return [0, 1, false];
  for (let i = 1; i < format.length; i++) {
    if (format[i] === ']') {
      const [width, ok, newi] = parsenum(format, 1, i);
      if (!ok || newi !== i) return [0, i + 1, false];
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

function intFromArg(a: readonly unknown[], argNum: number): [number, boolean, number] {
  let num = 0;
  let isInt = false;
  let newArgNum = argNum;
  if (argNum < a.length) {
    const v = a[argNum];
    const k = kindOf(v);
    if (k === 'int' || k === 'int64' || k === 'uint8') {
      num = numberOf(v);
      isInt = true;
    }
    newArgNum = argNum + 1;
    if (tooLarge(num)) {
      num = 0;
      isInt = false;
    }
  }
  return [num, isInt, newArgNum];
}

// fmt.Sprint
export function sprint(args: readonly unknown[]): string {
  // Action output is mostly one string or int: skip the printer for those.
  if (args.length === 1) {
    const v = args[0];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  }
  const p = new Printer();
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  }
  return p.buf;
}

// fmt.Sprintln
export function sprintln(args: readonly unknown[]): string {
  const p = new Printer();
  for (let i = 0; i < args.length; i++) {
    if (i > 0) p.buf += ' ';
    p.printArg(args[i], 'v');
  }
  return p.buf + '\n';
}

// fmt.Sprintf
export function sprintf(format: string, args: readonly unknown[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}
