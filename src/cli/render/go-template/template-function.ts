import type { ParamType } from './go-values.ts';

// A function callable from a template, with its Go signature: the executor converts constants
// and checks values against `params` exactly as text/template does with reflection, so that
// `{{join .Names 1}}` fails with Go's "expected string; found 1".
//
// `call` receives, per parameter: 'value' -> the raw run-time value (undefined = invalid,
// null = nil interface, Iface = value in an interface); 'any' -> the value a Go `any` holds (null
// for nil); the typed kinds -> the JS value. It returns the result; throwing an Error is Go's
// non-nil error result ("error calling NAME: <message>").
export interface TemplateFunction {
  readonly params: readonly ParamType[];
  // the last parameter is `...T`
  readonly variadic?: boolean;
  readonly call: (...args: any[]) => unknown;
}

export type FunctionMap = Readonly<Record<string, TemplateFunction>>;

// A Go panic or error inside a function, reported with Go's text.
export class GoFunctionError extends Error {}
