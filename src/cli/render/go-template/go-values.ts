// How TypeScript data stands in for Go values when a template runs. Go's templates see typed
// values through reflection; TS data has no static types, so each value gets the Go type below.
// The rules aim at docker's real data (typed ints, []string, map[string]string labels):
//
//   string -> string, boolean -> bool, bigint -> int64
//   number -> int when Number.isSafeInteger, else float64 (docker's structs have typed ints)
//   null (or a missing property) -> nil
//   array -> []string when every element is a string (empty arrays too), else []interface {}
//   plain object or Map -> map[string]string when every value is a string, else
//     map[string]interface {}; a Map whose keys are all integers has int keys
//   class instance, or an object passed through goStruct() -> a struct: fields in property order,
//     a missing field is an error (as on docker's structs), methods (functions) are callable
//   function-valued property -> a method: `.Label "x"` calls it with the arguments
//
// At run time a value read from an interface-typed slot (a []interface {} element, a
// map[string]interface {} value) is wrapped in Iface, because Go's messages and nil rules differ
// between an interface holding a value and the value itself ("<no value>" vs "<nil>", "in type
// interface {}"). `undefined` is Go's invalid reflect.Value (a missing map key); `null` is a nil
// interface.

import { goStringBytes } from './utf8-bytes.ts';

// A non-nil value held in an interface slot.
export class Iface {
  readonly v: unknown;
  constructor(v: unknown) {
    this.v = v;
  }
}

// A float64 whose value happens to be integral (the template constant 1.0): plain JS numbers
// that are integers count as Go ints.
export class GoFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

// A byte, as `index "abc" 0` returns.
export class GoUint8 {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

// A complex128 constant (1+2i).
export class GoComplex {
  readonly re: number;
  readonly im: number;
  constructor(re: number, im: number) {
    this.re = re;
    this.im = im;
  }
}

export type Kind =
  | 'invalid' | 'interface' | 'bool' | 'int' | 'int64' | 'uint8' | 'float64' | 'complex128'
  | 'string' | 'slice' | 'map' | 'struct' | 'func';

const structNames = new WeakMap<object, string>();
const sliceElemOverride = new WeakMap<unknown[], 'string' | 'interface'>();

// Marks an object as a Go struct (see the rules above); `typeName` is what error messages call
// its type (docker's "*formatter.ContainerContext"). Returns the object itself.
export function goStruct<T extends object>(value: T, typeName = ''): T {
  structNames.set(value, typeName);
  return value;
}

// Records the Go element type of an array built at run time (slice of a []interface {} stays
// []interface {} even when what is left is all strings).
export function withSliceElem<T extends unknown[]>(arr: T, elem: 'string' | 'interface'): T {
  sliceElemOverride.set(arr, elem);
  return arr;
}

export function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isStruct(v: object): boolean {
  if (structNames.has(v)) return true;
  if (Array.isArray(v) || v instanceof Map) return false;
  return !isPlainObject(v);
}

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined': return 'invalid';
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return Number.isSafeInteger(v) ? 'int' : 'float64';
    case 'bigint': return 'int64';
    case 'function': return 'func';
    case 'object':
      if (v === null || v instanceof Iface) return 'interface';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof GoFloat) return 'float64';
      if (v instanceof GoUint8) return 'uint8';
      if (v instanceof GoComplex) return 'complex128';
      if (v instanceof Map) return 'map';
      return isStruct(v) ? 'struct' : 'map';
  }
  return 'invalid';
}

// indirectInterface: the value inside an interface; a nil interface becomes invalid.
export function unwrap(v: unknown): unknown {
  if (v === null) return undefined;
  if (v instanceof Iface) return v.v;
  return v;
}

// The value a Go function declared with an `any` parameter receives: nil stays nil.
export function toAny(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Iface) return v.v;
  return v;
}

// Puts a value into an interface slot.
export function boxInterface(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  return new Iface(v);
}

export function sliceElemIsString(arr: readonly unknown[]): boolean {
  const o = sliceElemOverride.get(arr as unknown[]);
  if (o !== undefined) return o === 'string';
  for (const e of arr) if (typeof e !== 'string') return false;
  return true;
}

// A slice element as reflect's Index returns it: wrapped when the slice is []interface {}.
export function sliceElem(arr: readonly unknown[], i: number, elemIsString: boolean): unknown {
  const e = arr[i];
  return elemIsString ? e : boxInterface(e);
}

export type MapKeyType = 'string' | 'int' | 'interface';

export interface MapView {
  keyType: MapKeyType;
  elemIsString: boolean;
  size: number;
  get(key: unknown): unknown; // undefined when absent
}

function objectMapView(o: Record<string, unknown>): MapView {
  let size = 0;
  let elemIsString = true;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const v = o[k];
    if (v === undefined) continue;
    size++;
    if (typeof v !== 'string') elemIsString = false;
  }
  return {
    keyType: 'string',
    elemIsString,
    size,
    get: (key) => (typeof key === 'string' && Object.hasOwn(o, key) ? o[key] : undefined),
  };
}

function mapMapView(m: Map<unknown, unknown>): MapView {
  let allString = true;
  let allInt = true;
  let elemIsString = true;
  let size = 0;
  for (const [k, v] of m) {
    if (v === undefined) continue;
    size++;
    if (typeof k !== 'string') allString = false;
    if (!(typeof k === 'number' && Number.isInteger(k)) && typeof k !== 'bigint') allInt = false;
    if (typeof v !== 'string') elemIsString = false;
  }
  const keyType: MapKeyType = allString ? 'string' : allInt ? 'int' : 'interface';
  return {
    keyType,
    elemIsString,
    size,
    get: (key) => {
      if (typeof key === 'bigint') key = Number(key);
      return m.get(key);
    },
  };
}

export function mapView(v: object): MapView {
  return v instanceof Map ? mapMapView(v) : objectMapView(v as Record<string, unknown>);
}

// Go compares strings bytewise; UTF-8 byte order is code point order, which UTF-16 unit order
// breaks only between surrogates and U+E000..U+FFFF.
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 || y >= 0xd800) {
      if ((x >= 0xdc80 && x <= 0xdcff) || (y >= 0xdc80 && y <= 0xdcff)) return Buffer.compare(goStringBytes(a), goStringBytes(b));
      x = x >= 0xe000 ? x - 0x800 : x >= 0xd800 ? x + 0x2000 : x;
      y = y >= 0xe000 ? y - 0x800 : y >= 0xd800 ? y + 0x2000 : y;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function keyNumber(k: unknown): number {
  return typeof k === 'bigint' ? Number(k) : (k as number);
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareGoStrings(a, b);
  if (typeof a !== 'string' && typeof b !== 'string') return keyNumber(a) - keyNumber(b);
  // Go orders keys of different dynamic types by type identity, which is not stable across
  // programs; numbers before strings is at least deterministic.
  return typeof a === 'string' ? 1 : -1;
}

// The entries of a map in fmtsort order (what range, %v and json print), without missing values.
export function sortedMapEntries(v: object): Array<[unknown, unknown]> {
  const out: Array<[unknown, unknown]> = [];
  if (v instanceof Map) {
    for (const [k, val] of v) if (val !== undefined) out.push([typeof k === 'bigint' ? Number(k) : k, val]);
  } else {
    const o = v as Record<string, unknown>;
    for (const k in o) if (Object.hasOwn(o, k) && o[k] !== undefined) out.push([k, o[k]]);
  }
  out.sort((x, y) => compareKeys(x[0], y[0]));
  return out;
}

// The fields of a struct value in order: own enumerable data properties that are not methods.
export function structFields(v: object): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const val = o[k];
    if (val === undefined || typeof val === 'function') continue;
    out.push([k, val]);
  }
  return out;
}

// What a struct's property lookup finds: own properties and the class's own members, never
// Object.prototype's (toString, constructor, ...).
export function lookupMember(v: object, name: string): { found: boolean; value: unknown } {
  if (Object.hasOwn(v, name)) return { found: true, value: (v as Record<string, unknown>)[name] };
  for (let p = Object.getPrototypeOf(v); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, name)) {
      if (name === 'constructor') return { found: false, value: undefined };
      return { found: true, value: (v as Record<string, unknown>)[name] };
    }
  }
  return { found: false, value: undefined };
}

function fieldTypeName(v: unknown): string {
  return v === null || v === undefined ? 'interface {}' : typeName(v);
}

// reflect.Type.String() of a value's Go type.
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid': return '<invalid>';
    case 'interface': return 'interface {}';
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'int64': return 'int64';
    case 'uint8': return 'uint8';
    case 'float64': return 'float64';
    case 'complex128': return 'complex128';
    case 'string': return 'string';
    case 'func': return 'func(...interface {}) interface {}';
    case 'slice': return sliceElemIsString(v as unknown[]) ? '[]string' : '[]interface {}';
    case 'map': {
      const m = mapView(v as object);
      return `map[${m.keyType === 'interface' ? 'interface {}' : m.keyType}]${m.elemIsString ? 'string' : 'interface {}'}`;
    }
    case 'struct': {
      const o = v as object;
      const named = structNames.get(o);
      if (named) return named;
      if (named === undefined) return o.constructor?.name || 'struct {}';
      const fields = structFields(o);
      if (fields.length === 0) return 'struct {}';
      return `struct { ${fields.map(([k, f]) => `${k} ${fieldTypeName(f)}`).join('; ')} }`;
    }
  }
}

// Whether a value is Go-assignable to a parameter type the builtins and docker's functions use.
export type ParamType = 'any' | 'value' | 'string' | 'int' | 'bool' | 'float64' | '[]string';

export function assignable(v: unknown, t: ParamType): boolean {
  switch (t) {
    case 'any': case 'value': return true;
    case 'string': return typeof v === 'string';
    case 'int': return typeof v === 'number' && Number.isSafeInteger(v);
    case 'bool': return typeof v === 'boolean';
    case 'float64': return kindOf(v) === 'float64';
    case '[]string': return Array.isArray(v) && sliceElemIsString(v);
  }
}

// Whether nil converts to the type (Go's canBeNil).
export function canBeNil(t: ParamType): boolean {
  return t === 'any' || t === 'value' || t === '[]string';
}

// The number inside any Go numeric kind.
export function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoFloat || v instanceof GoUint8) return v.value;
  return NaN;
}

// template.IsTrue on an unwrapped value.
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid': return false;
    case 'interface': return v !== null;
    case 'string': return (v as string).length > 0;
    case 'bool': return v as boolean;
    case 'int': case 'float64': case 'uint8': return numberOf(v) !== 0;
    case 'int64': return (v as bigint) !== 0n;
    case 'complex128': return (v as GoComplex).re !== 0 || (v as GoComplex).im !== 0;
    case 'slice': return (v as unknown[]).length > 0;
    case 'map': return mapView(v as object).size > 0;
    case 'struct': return true;
    case 'func': return true;
  }
}
