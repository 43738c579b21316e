// Number constants in templates: Go's parse.newNumber with strconv's ParseUint/ParseInt/
// ParseFloat rules (base prefixes, underscores, hex floats, character constants, imaginary parts).
import { unquoteChar } from './go-quote.ts';

export interface NumberValue {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int: bigint;
  float: number;
  imag: number;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

function lower(c: string): string {
  return c.toLowerCase();
}

// strconv's underscoreOK: underscores only between digits (or after a base prefix).
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]!))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

// strconv.ParseUint(s, 0, 64); null on any error.
function parseUint(s0: string): bigint | null {
  if (s0 === '') return null;
  let s = s0;
  let base = 10n;
  if (s[0] === '0') {
    const p = s.length >= 3 ? lower(s[1]!) : '';
    if (p === 'b') { base = 2n; s = s.slice(2); }
    else if (p === 'o') { base = 8n; s = s.slice(2); }
    else if (p === 'x') { base = 16n; s = s.slice(2); }
    else { base = 8n; s = s.slice(1); }
  }
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    let d: number;
    if (c === '_') { underscores = true; continue; }
    if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
    else if (lower(c) >= 'a' && lower(c) <= 'z') d = lower(c).charCodeAt(0) - 97 + 10;
    else return null;
    if (BigInt(d) >= base) return null;
    n = n * base + BigInt(d);
    if (n > UINT64_MAX) return null;
  }
  if (underscores && !underscoreOK(s0)) return null;
  return n;
}

// strconv.ParseInt(s, 0, 64); null on any error.
function parseInt64(s: string): bigint | null {
  if (s === '') return null;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const u = parseUint(s);
  if (u === null) return null;
  const v = neg ? -u : u;
  if (v < INT64_MIN || v > INT64_MAX) return null;
  return v;
}

const decimalFloat = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;
const hexFloat = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/;
const special = /^([+-]?)(inf|infinity|nan)$/i;

// strconv.ParseFloat(s, 64): the value, or the kind of error Go reports.
export function parseFloatDetailed(s: string): { value: number } | { error: 'invalid syntax' | 'value out of range' } {
  const syntax = { error: 'invalid syntax' } as const;
  const sp = special.exec(s);
  if (sp) {
    if (lower(sp[2]!) === 'nan') return sp[1] === '' ? { value: NaN } : syntax;
    return { value: sp[1] === '-' ? -Infinity : Infinity };
  }
  if (s.includes('_') && !underscoreOK(s)) return syntax;
  const hex = hexFloat.exec(s);
  if (hex) {
    const intDigits = hex[2]!.replaceAll('_', '');
    const fracDigits = (hex[3] ?? '').replaceAll('_', '');
    if (intDigits === '' && fracDigits === '') return syntax;
    const mant = BigInt('0x0' + intDigits + fracDigits);
    const exp = Number(hex[4]!.replaceAll('_', '')) - 4 * fracDigits.length;
    const v = Number(mant) * 2 ** exp;
    if (!Number.isFinite(v)) return { error: 'value out of range' };
    return { value: hex[1] === '-' ? -v : v };
  }
  if (!decimalFloat.test(s)) return syntax;
  const plain = s.replaceAll('_', '');
  if (!/[0-9]/.test(plain)) return syntax;
  const v = Number(plain);
  if (!Number.isFinite(v)) return { error: 'value out of range' };
  return { value: v };
}

// strconv.ParseFloat(s, 64); null on a syntax or range error.
export function parseFloat64(s: string): number | null {
  const r = parseFloatDetailed(s);
  return 'value' in r ? r.value : null;
}

// fmt.Sscan of a complex128, as parse.newNumber reads "1+2i" items: the same token rules and
// error messages.
function scanComplex(text: string): [number, number] {
  let i = 0;
  const complexError = 'syntax error scanning complex number';
  const accept = (chars: string): boolean => {
    if (i < text.length && chars.includes(text[i]!)) {
      i++;
      return true;
    }
    return false;
  };
  const floatToken = (): string => {
    const start = i;
    if (accept('nN') && accept('aA') && accept('nN')) return text.slice(start, i);
    accept('+-');
    if (accept('iI') && accept('nN') && accept('fF')) return text.slice(start, i);
    let digits = '0123456789_';
    let exp = 'eEpP';
    if (accept('0') && accept('xX')) {
      digits = '0123456789aAbBcCdDeEfF_';
      exp = 'pP';
    }
    while (accept(digits));
    if (accept('.')) while (accept(digits));
    if (accept(exp)) {
      accept('+-');
      while (accept('0123456789_'));
    }
    return text.slice(start, i);
  };
  const convertFloat = (str: string): number => {
    // a decimal mantissa with a binary exponent (1.5p3) is fmt's own extension
    const p = str.indexOf('p');
    if (p >= 0 && !/[xX]/.test(str)) {
      const f = parseFloatDetailed(str.slice(0, p));
      if ('error' in f) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(str)}: ${f.error}`);
      const m = str.slice(p + 1);
      if (!/^[+-]?[0-9]+$/.test(m)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(str)}: invalid syntax`);
      return f.value * 2 ** Number(m);
    }
    const f = parseFloatDetailed(str);
    if ('error' in f) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(str)}: ${f.error}`);
    return f.value;
  };
  const parens = accept('(');
  const re = floatToken();
  if (!accept('+-')) throw new Error(complexError);
  const sign = text[i - 1]!;
  const im = floatToken();
  if (!accept('i')) throw new Error(complexError);
  if (parens && !accept(')')) throw new Error(complexError);
  return [convertFloat(re), convertFloat(sign + im)];
}

function integral(n: NumberValue, f: number): void {
  if (!n.isInt && Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
    n.isInt = true;
    n.int = BigInt(f);
  }
  if (!n.isUint && Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
    n.isUint = true;
    if (!n.isInt) n.int = BigInt(f);
  }
}

// parse.newNumber. Throws an Error with Go's message on failure.
export function parseNumberLiteral(text: string, kind: 'charConstant' | 'complex' | 'number'): NumberValue {
  const n: NumberValue = { isInt: false, isUint: false, isFloat: false, isComplex: false, int: 0n, float: 0, imag: 0 };
  if (kind === 'charConstant') {
    const r = unquoteChar(text, 1, 0x27);
    if (text.slice(r.next) !== "'") throw new Error(`malformed character constant: ${text}`);
    n.int = BigInt(r.value);
    n.isInt = n.isUint = n.isFloat = true;
    n.float = r.value;
    return n;
  }
  if (kind === 'complex') {
    const [re, im] = scanComplex(text);
    return simplifyComplex(n, re, im);
  }
  if (text.endsWith('i')) {
    const f = parseFloat64(text.slice(0, -1));
    if (f !== null) return simplifyComplex(n, 0, f);
  }
  const u = parseUint(text);
  if (u !== null) {
    n.isUint = true;
    n.int = u;
  }
  const i = parseInt64(text);
  if (i !== null) {
    n.isInt = true;
    n.int = i;
  }
  if (n.isInt || n.isUint) {
    n.isFloat = true;
    n.float = Number(n.int);
  } else {
    const f = parseFloat64(text);
    if (f !== null) {
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${goQuoteAscii(text)}`);
      n.isFloat = true;
      n.float = f;
      integral(n, f);
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${goQuoteAscii(text)}`);
  return n;
}

function simplifyComplex(n: NumberValue, re: number, im: number): NumberValue {
  n.isComplex = true;
  n.float = re;
  n.imag = im;
  n.isFloat = im === 0;
  if (n.isFloat) integral(n, re);
  return n;
}

// Number texts are ASCII, so %q is a plain quote.
function goQuoteAscii(s: string): string {
  return `"${s}"`;
}
