// Go's text/template for docker's --format: see template.ts (parse, execute), go-values.ts (how
// TS data maps to Go values) and docker-functions.ts (docker's json, join, ...).
export { parseTemplate, GoTemplate, type ExecuteOptions, type ParseTemplateOptions } from './template.ts';
export { TemplateError } from './template-error.ts';
export { TemplateExecError, type MissingKey } from './exec.ts';
export { goStruct } from './go-values.ts';
export { dockerFunctions, dockerHeaderFunctions } from './docker-functions.ts';
export { builtinFunctions } from './builtins.ts';
export { sprint, sprintf, sprintln } from './go-fmt.ts';
export { goStringBytes } from './utf8-bytes.ts';
export type { FunctionMap, TemplateFunction } from './template-function.ts';
export type { ParamType } from './go-values.ts';
