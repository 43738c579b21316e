// text/template's predefined functions (funcs.go): index, slice, len, not, call, the
// comparisons, print/printf/println and the escapers. `and` and `or` are listed for their
// signatures only: the executor short-circuits them (Go ≥ 1.18).
import { escapeHtml, escapeJs, escapeUrlQuery } from './escapers.ts';
import { sprint, sprintf, sprintln } from './go-fmt.ts';
import {
  GoComplex, GoUint8, Iface, boxInterface, compareGoStrings, isTrue, kindOf, mapView, numberOf,
  sliceElem, sliceElemIsString, structFields, toAny, typeName, unwrap, withSliceElem,
} from './go-values.ts';
import { GoFunctionError, type FunctionMap } from './template-function.ts';
import { byteAt, byteLength, byteSlice } from './utf8-bytes.ts';

function fail(message: string): never {
  throw new GoFunctionError(message);
}

// indirect(): through interfaces; reports whether it stopped at a nil.
function indirect(v: unknown): { v: unknown; isNil: boolean } {
  while (v instanceof Iface) v = v.v;
  return v === null ? { v, isNil: true } : { v, isNil: false };
}

function truth(v: unknown): boolean {
  return isTrue(unwrap(v));
}

function indexArg(index: unknown, cap: number): number {
  let x: number;
  switch (kindOf(index)) {
    case 'int': case 'int64': case 'uint8':
      x = numberOf(index);
      break;
    case 'invalid':
      return fail('cannot index slice/array with nil');
    default:
      return fail(`cannot index slice/array with type ${typeName(index)}`);
  }
  if (x < 0 || x > cap) fail(`index out of range: ${x}`);
  return x;
}

function prepareMapKey(index: unknown, keyType: 'string' | 'int' | 'interface'): unknown {
  if (index === undefined) {
    if (keyType !== 'interface') fail(`value is nil; should be of type ${keyType}`);
    return undefined;
  }
  if (keyType === 'interface') return index;
  const k = kindOf(index);
  if (keyType === 'string' && k === 'string') return index;
  if (keyType === 'int' && (k === 'int' || k === 'int64' || k === 'uint8')) return numberOf(index);
  return fail(`value has type ${typeName(index)}; should be ${keyType}`);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  item = unwrap(item);
  if (item === undefined) fail('index of untyped nil');
  for (let ix of indexes) {
    ix = unwrap(ix);
    const ind = indirect(item);
    if (ind.isNil) fail('index of nil pointer');
    item = ind.v;
    switch (kindOf(item)) {
      case 'string': {
        const s = item as string;
        const len = byteLength(s);
        const x = indexArg(ix, len);
        if (x === len) fail('reflect: string index out of range');
        item = new GoUint8(byteAt(s, x));
        break;
      }
      case 'slice': {
        const arr = item as unknown[];
        const x = indexArg(ix, arr.length);
        if (x === arr.length) fail('reflect: slice index out of range');
        item = sliceElem(arr, x, sliceElemIsString(arr));
        break;
      }
      case 'map': {
        const m = mapView(item as object);
        const key = prepareMapKey(ix, m.keyType);
        const found = key === undefined ? undefined : m.get(key);
        if (found !== undefined) item = m.elemIsString ? found : boxInterface(found);
        else item = m.elemIsString ? '' : null;
        break;
      }
      default:
        fail(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  item = unwrap(item);
  if (item === undefined) fail('slice of untyped nil');
  if (indexes.length > 3) fail(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  const k = kindOf(item);
  if (k === 'string') {
    if (indexes.length === 3) fail('cannot 3-index slice a string');
    cap = len = byteLength(item as string);
  } else if (k === 'slice') {
    cap = len = (item as unknown[]).length;
  } else {
    return fail(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len, 0];
  // unlike index, slice does not look inside interfaces: an int from a map[string]interface {}
  // is refused with "type interface {}"
  for (let i = 0; i < indexes.length; i++) idx[i] = indexArg(indexes[i], cap);
  if (idx[0]! > idx[1]!) fail(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) fail(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (k === 'string') return byteSlice(item as string, idx[0]!, idx[1]!);
  const arr = item as unknown[];
  return withSliceElem(arr.slice(idx[0], idx[1]), sliceElemIsString(arr) ? 'string' : 'interface');
}

function length(item: unknown): number {
  const ind = indirect(item);
  if (ind.isNil) fail('len of nil pointer');
  const v = ind.v;
  switch (kindOf(v)) {
    case 'string': return byteLength(v as string);
    case 'slice': return (v as unknown[]).length;
    case 'map': return mapView(v as object).size;
    case 'invalid': return fail('reflect: call of reflect.Value.Type on zero Value');
  }
  return fail(`len of type ${typeName(v)}`);
}

function call(fn: unknown, ...args: unknown[]): unknown {
  fn = unwrap(fn);
  if (fn === undefined) fail('call of nil');
  if (typeof fn !== 'function') fail(`non-function of type ${typeName(fn)}`);
  return (fn as (...a: unknown[]) => unknown)(...args.map((a) => toAny(a)));
}

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

function basicKind(v: unknown): BasicKind {
  switch (kindOf(v)) {
    case 'bool': return 'bool';
    case 'int': case 'int64': return 'int';
    case 'uint8': return 'uint';
    case 'float64': return 'float';
    case 'complex128': return 'complex';
    case 'string': return 'string';
  }
  return 'invalid';
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';

function isNilValue(v: unknown): boolean {
  return v === undefined || v === null;
}

function comparable(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'slice': case 'map': case 'func': return false;
    case 'struct': return structFields(v as object).every(([, f]) => f === null || comparable(f));
  }
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  if (ka === 'struct') {
    if (typeName(a) !== typeName(b)) return false;
    const fa = structFields(a as object);
    const fb = structFields(b as object);
    return fa.length === fb.length && fa.every(([, v], i) => sameValue(v, fb[i]![1]));
  }
  if (ka === 'interface') return a === b;
  if (ka === 'complex128') return (a as GoComplex).re === (b as GoComplex).re && (a as GoComplex).im === (b as GoComplex).im;
  if (ka === 'int64') return a === b;
  if (ka === 'float64' || ka === 'uint8' || ka === 'int') return numberOf(a) === numberOf(b);
  return a === b;
}

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  arg1 = unwrap(arg1);
  if (arg2.length === 0) fail('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = unwrap(arg);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') t = numberOf(arg1) >= 0 && numberOf(arg1) === numberOf(arg);
      else if (k1 === 'uint' && k2 === 'int') t = numberOf(arg) >= 0 && numberOf(arg1) === numberOf(arg);
      else if (arg1 !== undefined && arg !== undefined) fail(errBadComparison);
    } else {
      switch (k1) {
        case 'bool': case 'string': t = arg1 === arg; break;
        case 'int': t = typeof arg1 === 'bigint' || typeof arg === 'bigint' ? BigInt(arg1 as number) === BigInt(arg as number) : arg1 === arg; break;
        case 'uint': case 'float': t = numberOf(arg1) === numberOf(arg); break;
        case 'complex': t = sameValue(arg1, arg); break;
        default: {
          const c1 = kindOf(arg1);
          const c2 = kindOf(arg);
          if (c1 !== c2 && c1 !== 'invalid' && c2 !== 'invalid') {
            fail(`non-comparable types ${sprintf('%s', [toAny(arg1)])}: ${typeName(arg1)}, ${typeName(arg)}: ${sprint([toAny(arg)])}`);
          }
          if (isNilValue(arg1) || isNilValue(arg)) t = isNilValue(arg) === isNilValue(arg1);
          else {
            if (!comparable(arg)) fail(`non-comparable type ${sprintf('%s', [toAny(arg)])}: ${typeName(arg)}`);
            // Go compares the two as interfaces: different types are simply unequal
            t = typeName(arg1) === typeName(arg) && sameValue(arg1, arg);
          }
        }
      }
    }
    if (t) return true;
  }
  return false;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  arg1 = unwrap(arg1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') fail(errBadComparisonType);
  arg2 = unwrap(arg2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') fail(errBadComparisonType);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return numberOf(arg1) < 0 || numberOf(arg1) < numberOf(arg2);
    if (k1 === 'uint' && k2 === 'int') return numberOf(arg2) >= 0 && numberOf(arg1) < numberOf(arg2);
    return fail(errBadComparison);
  }
  switch (k1) {
    case 'bool': case 'complex': return fail(errBadComparisonType);
    case 'string': return compareGoStrings(arg1 as string, arg2 as string) < 0;
    case 'int':
      if (typeof arg1 === 'bigint' || typeof arg2 === 'bigint') return BigInt(arg1 as number) < BigInt(arg2 as number);
      return (arg1 as number) < (arg2 as number);
  }
  return numberOf(arg1) < numberOf(arg2);
}

function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

// Go's builtin function table.
export const builtinFunctions: FunctionMap = {
  and: { params: ['value', 'value'], variadic: true, call: () => fail('unreachable') },
  or: { params: ['value', 'value'], variadic: true, call: () => fail('unreachable') },
  call: { params: ['value', 'value'], variadic: true, call },
  html: { params: ['any'], variadic: true, call: (...a: unknown[]) => escapeHtml(evalArgs(a)) },
  index: { params: ['value', 'value'], variadic: true, call: index },
  slice: { params: ['value', 'value'], variadic: true, call: slice },
  js: { params: ['any'], variadic: true, call: (...a: unknown[]) => escapeJs(evalArgs(a)) },
  len: { params: ['value'], call: length },
  not: { params: ['value'], call: (a: unknown) => !truth(a) },
  print: { params: ['any'], variadic: true, call: (...a: unknown[]) => sprint(a) },
  printf: { params: ['string', 'any'], variadic: true, call: (format: string, ...a: unknown[]) => sprintf(format, a) },
  println: { params: ['any'], variadic: true, call: (...a: unknown[]) => sprintln(a) },
  urlquery: { params: ['any'], variadic: true, call: (...a: unknown[]) => escapeUrlQuery(evalArgs(a)) },
  eq: { params: ['value', 'value'], variadic: true, call: eq },
  ge: { params: ['value', 'value'], call: (a: unknown, b: unknown) => !lt(a, b) },
  gt: { params: ['value', 'value'], call: (a: unknown, b: unknown) => !le(a, b) },
  le: { params: ['value', 'value'], call: le },
  lt: { params: ['value', 'value'], call: lt },
  ne: { params: ['value', 'value'], call: (a: unknown, b: unknown) => !eq(a, b) },
};

// evalArgs in funcs.go: one string argument as is, anything else through fmt.Sprint after
// printableValue, which turns a nil into "<no value>".
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

export { truth };
