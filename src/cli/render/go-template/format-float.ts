// strconv.FormatFloat(x, fmt, prec, 64). Shortest digits come from JS (both languages print
// the shortest string that reads back as the same double); fixed precisions round the exact
// binary value half-to-even, as Go does, using BigInt for the exact decimal expansion.

interface Decimal {
  d: string; // digits, no trailing zeros; '' for zero
  dp: number; // decimal point position
}

const view = new DataView(new ArrayBuffer(8));

function bitsOf(x: number): { neg: boolean; exp: number; mant: bigint } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  return { neg: hi >>> 31 === 1, exp: (hi >>> 20) & 0x7ff, mant: (BigInt(hi & 0xfffff) << 32n) | BigInt(lo) };
}

function shortestDecimal(abs: number): Decimal {
  if (abs === 0) return { d: '', dp: 0 };
  const s = abs.toExponential();
  const e = s.indexOf('e');
  const d = s.slice(0, e).replace('.', '');
  return { d: d.replace(/0+$/, ''), dp: Number(s.slice(e + 1)) + 1 };
}

function exactDecimal(abs: number): Decimal {
  if (abs === 0) return { d: '', dp: 0 };
  const { exp, mant } = bitsOf(abs);
  let m = mant;
  let e2: number;
  if (exp === 0) e2 = -1074;
  else {
    m |= 1n << 52n;
    e2 = exp - 1075;
  }
  let digits: string;
  let dp: number;
  if (e2 >= 0) {
    digits = (m << BigInt(e2)).toString();
    dp = digits.length;
  } else {
    digits = (m * 5n ** BigInt(-e2)).toString();
    dp = digits.length + e2;
  }
  return { d: digits.replace(/0+$/, ''), dp };
}

// decimal.Round(nd): half to even on the exact digits.
function round(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const c = a.d.charCodeAt(nd);
  let up: boolean;
  if (c === 0x35 && nd + 1 === a.d.length) up = nd > 0 && (a.d.charCodeAt(nd - 1) - 0x30) % 2 === 1;
  else up = c >= 0x35;
  if (!up) return { d: a.d.slice(0, nd).replace(/0+$/, ''), dp: a.dp };
  let i = nd - 1;
  while (i >= 0 && a.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let s = neg ? '-' : '';
  s += d.d.length > 0 ? d.d[0] : '0';
  if (prec > 0) {
    s += '.';
    const frac = d.d.slice(1, prec + 1);
    s += frac + '0'.repeat(prec - frac.length);
  }
  let exp = d.d.length === 0 ? 0 : d.dp - 1;
  let sign = '+';
  if (exp < 0) {
    sign = '-';
    exp = -exp;
  }
  return s + fmt + sign + (exp < 10 ? '0' + exp : String(exp));
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (d.dp > 0) {
    const m = Math.min(d.d.length, d.dp);
    s += d.d.slice(0, m) + '0'.repeat(d.dp - m);
  } else {
    s += '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      s += j >= 0 && j < d.d.length ? d.d[j] : '0';
    }
  }
  return s;
}

function fmtB(neg: boolean, mant: bigint, exp: number): string {
  const e = exp - 52;
  return (neg ? '-' : '') + mant.toString() + 'p' + (e >= 0 ? '+' : '') + e;
}

function fmtX(prec: number, fmt: string, neg: boolean, mant0: bigint, exp0: number): string {
  let mant = mant0;
  let exp = exp0;
  if (mant === 0n) exp = 0;
  mant <<= 60n - 52n;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let s = (neg ? '-' : '') + '0' + fmt + String((mant >> 60n) & 1n);
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    s += '.';
    while (mant !== 0n) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  s += fmt === 'X' ? 'P' : 'p';
  let sign = '+';
  if (exp < 0) {
    sign = '-';
    exp = -exp;
  }
  return s + sign + (exp < 10 ? '0' + exp : String(exp));
}

// strconv.FormatFloat(x, fmt, prec, 64) for fmt in b e E f g G x X; prec < 0 means shortest.
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const bits = bitsOf(x);
  const neg = bits.neg;
  if (fmt === 'b' || fmt === 'x' || fmt === 'X') {
    let mant = bits.mant;
    let exp = bits.exp;
    if (exp === 0) exp++;
    else mant |= 1n << 52n;
    exp += -1023;
    return fmt === 'b' ? fmtB(neg, mant, exp) : fmtX(prec, fmt, neg, mant, exp);
  }
  const abs = Math.abs(x);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(abs);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(d.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(d.d.length - d.dp, 0);
    else prec = d.d.length;
  } else {
    const exact = exactDecimal(abs);
    if (fmt === 'f') d = round(exact, exact.dp + prec);
    else if (fmt === 'e' || fmt === 'E') d = round(exact, prec + 1);
    else {
      if (prec === 0) prec = 1;
      d = round(exact, prec);
    }
  }
  switch (fmt) {
    case 'e': case 'E':
      return fmtE(neg, d, prec, fmt);
    case 'f':
      return fmtF(neg, d, prec);
    case 'g': case 'G': {
      let eprec = prec;
      if (eprec > d.d.length && d.d.length >= d.dp) eprec = d.d.length;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > d.d.length) prec = d.d.length;
        return fmtE(neg, d, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > d.dp) prec = d.d.length;
      return fmtF(neg, d, Math.max(prec - d.dp, 0));
    }
  }
  return '%' + fmt;
}
