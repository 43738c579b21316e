// The executor: text/template's exec.go over the value model of go-values.ts. Evaluation order,
// argument conversion and the node an error points at follow Go, because the messages users see
// ("template: :1:8: executing \"\" at <.Config.Foo>: ...") come from those details.
import { builtinFunctions, truth } from './builtins.ts';
import { sprint, sprintf } from './go-fmt.ts';
import { quote } from './go-quote.ts';
import {
  GoComplex, GoFloat, Iface, assignable, boxInterface, canBeNil, isTrue, kindOf,
  lookupMember, mapView, sliceElemIsString, sortedMapEntries, toAny, typeName, unwrap,
  withSliceElem, type ParamType,
} from './go-values.ts';
import {
  nodeString, type ArgNode, type BranchNode, type ChainNode, type CommandNode, type FieldNode, type IdentifierNode,
  type Node, type NumberNode, type PipeNode, type TemplateNode, type VariableNode,
} from './nodes.ts';
import type { Tree } from './parser.ts';
import { TemplateError } from './template-error.ts';
import type { FunctionMap, TemplateFunction } from './template-function.ts';
import { byteLength } from './utf8-bytes.ts';

export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

export interface ExecContext {
  readonly trees: ReadonlyMap<string, Tree>;
  readonly functions: FunctionMap;
  readonly missingKey: MissingKey;
}

// Go allows 100000 nested {{template}} calls; a JS stack holds far fewer frames.
export const MAX_EXEC_DEPTH = 1000;

// The "no final argument" marker of evalCommand.
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

const BREAK = { walk: 'break' };
const CONTINUE = { walk: 'continue' };

interface Variable {
  name: string;
  value: unknown;
}

// A TemplateError that also carries what was written before the failure.
export class TemplateExecError extends TemplateError {
  readonly output: string;
  constructor(message: string, output: string) {
    super('exec', message);
    this.output = output;
  }
}

function paramTypeName(t: ParamType): string {
  switch (t) {
    case 'any': return 'interface {}';
    case 'value': return 'reflect.Value';
  }
  return t;
}

// A method found on the data: a function property called with the object as `this`.
interface Method {
  readonly fn: (...args: unknown[]) => unknown;
  readonly receiver: object;
}

class State {
  readonly ctx: ExecContext;
  readonly name: string;
  readonly depth: number;
  out: { s: string };
  node: Node | null = null;
  vars: Variable[];

  constructor(ctx: ExecContext, name: string, depth: number, out: { s: string }, dot: unknown) {
    this.ctx = ctx;
    this.name = name;
    this.depth = depth;
    this.out = out;
    this.vars = [{ name: '$', value: dot }];
  }

  errorf(message: string): never {
    if (this.node === null) throw new TemplateExecError(`template: ${this.name}: ${message}`, this.out.s);
    const [location, context] = errorContext(this.node);
    throw new TemplateExecError(`template: ${location}: executing ${quote(this.name)} at <${context}>: ${message}`, this.out.s);
  }

  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    return this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: unknown, node: Node): void {
    this.node = node;
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if': case 'with':
        this.walkIfOrWith(node, dot);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.out.s += node.text;
        return;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  walkIfOrWith(node: BranchNode, dot: unknown): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(unwrap(val))) this.walk(node.type === 'with' ? val : dot, node.list);
      else if (node.elseList !== null) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  walkRange(dot: unknown, r: BranchNode): void {
    this.node = r;
    const mark = this.vars.length;
    try {
      let val = this.evalPipeline(dot, r.pipe);
      while (val instanceof Iface) val = val.v;
      const inner = this.vars.length;
      const decl = r.pipe.decl.length;
      const oneIteration = (index: unknown, elem: unknown): void => {
        if (decl > 0) this.vars[this.vars.length - 1]!.value = elem;
        if (decl > 1) this.vars[this.vars.length - 2]!.value = index;
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = inner;
        }
      };
      switch (kindOf(val)) {
        case 'slice': {
          const arr = val as unknown[];
          if (arr.length === 0) break;
          const str = sliceElemIsString(arr);
          for (let i = 0; i < arr.length; i++) oneIteration(i, str ? arr[i] : boxInterface(arr[i]));
          return;
        }
        case 'map': {
          const m = mapView(val as object);
          if (m.size === 0) break;
          for (const [k, v] of sortedMapEntries(val as object)) oneIteration(k, m.elemIsString ? v : boxInterface(v));
          return;
        }
        case 'invalid':
          break;
        default:
          this.errorf(`range can't iterate over ${sprintf('%v', [toAny(val)])}`);
      }
      if (r.elseList !== null) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.vars.length = mark;
    }
  }

  walkTemplate(dot: unknown, t: TemplateNode): void {
    this.node = t;
    const tree = this.ctx.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const s = new State(this.ctx, t.name, this.depth + 1, this.out, newDot);
    s.walk(newDot, tree.root);
  }

  evalPipeline(dot: unknown, pipe: PipeNode | null): unknown {
    if (pipe === null) return undefined;
    this.node = pipe;
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // "lovely!" in Go: values in interfaces are taken out between commands
      if (value === null) value = undefined;
      else if (value instanceof Iface) value = value.v;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const args = cmd.args;
    const first = args[0]!;
    switch (first.type) {
      case 'field': return this.evalFieldNode(dot, first, args, final);
      case 'chain': return this.evalChainNode(dot, first, args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, args, final);
      case 'pipe':
        this.notAFunction(args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariableNode(dot, first, args, final);
    }
    this.node = first;
    this.notAFunction(args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
  }

  idealConstant(c: NumberNode): unknown {
    this.node = c;
    if (c.isComplex) return new GoComplex(c.float, c.imag);
    const hexInt = c.text.length > 2 && c.text[0] === '0' && (c.text[1] === 'x' || c.text[1] === 'X') && !/[pP]/.test(c.text);
    if (c.isFloat && !hexInt && c.text[0] !== "'" && /[.eEpP]/.test(c.text)) {
      return Number.isSafeInteger(c.float) ? new GoFloat(c.float) : c.float;
    }
    if (c.isInt) return c.int >= -(2n ** 53n) + 1n && c.int <= 2n ** 53n - 1n ? Number(c.int) : c.int;
    if (c.isUint) return this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.node = field;
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.node = chain;
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  evalVariableNode(dot: unknown, variable: VariableNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.node = variable;
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args ?? [], final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  evalFieldChain(dot: unknown, receiver: unknown, node: Node, ident: readonly string[], args: readonly ArgNode[] | null, final: Final): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, node, null, MISSING, receiver);
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  evalFunction(dot: unknown, node: IdentifierNode, cmd: Node | null, args: readonly ArgNode[] | null, final: Final): unknown {
    this.node = node;
    const name = node.ident;
    const own = Object.hasOwn(this.ctx.functions, name) ? this.ctx.functions[name] : undefined;
    const fn = own ?? (Object.hasOwn(builtinFunctions, name) ? builtinFunctions[name] : undefined);
    if (fn === undefined) return this.errorf(`${quote(name)} is not a defined function`);
    // Go passes the command node for errors raised while calling; an argument-less reference
    // (evalArg of an identifier) passes the identifier itself.
    return this.evalCall(dot, fn, own === undefined, cmd ?? node, name, args, final);
  }

  evalField(dot: unknown, fieldName: string, node: Node, args: readonly ArgNode[] | null, final: Final, receiver: unknown): unknown {
    if (receiver === undefined) {
      if (this.ctx.missingKey === 'error') this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    const outer = receiver;
    while (receiver instanceof Iface) receiver = receiver.v;
    if (receiver === null) this.errorf(`nil pointer evaluating ${typeName(outer)}.${fieldName}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    const kind = kindOf(receiver);
    if (kind === 'struct') {
      let m: { found: boolean; value: unknown };
      try {
        m = lookupMember(receiver as object, fieldName);
      } catch (err) {
        // a getter that throws fails like a Go method returning an error
        return this.errorf(`error calling ${fieldName}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (m.found) {
        if (typeof m.value === 'function') {
          return this.evalMethod(dot, { fn: m.value as Method['fn'], receiver: receiver as object }, node, fieldName, args, final);
        }
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return m.value;
      }
    } else if (kind === 'map') {
      const view = mapView(receiver as object);
      if (view.keyType !== 'int') {
        const result = view.get(fieldName);
        if (typeof result === 'function') {
          return this.evalMethod(dot, { fn: result as Method['fn'], receiver: receiver as object }, node, fieldName, args, final);
        }
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        if (result === undefined) {
          switch (this.ctx.missingKey) {
            case 'zero': return view.elemIsString ? '' : null;
            case 'error': return this.errorf(`map has no entry for key ${quote(fieldName)}`);
          }
          return undefined;
        }
        return view.elemIsString ? result : boxInterface(result);
      }
    }
    return this.errorf(`can't evaluate field ${fieldName} in type ${typeName(outer)}`);
  }

  // A method of the data: each argument is evaluated as for an `any` parameter.
  evalMethod(dot: unknown, method: Method, node: Node, name: string, args: readonly ArgNode[] | null, final: Final): unknown {
    const argv: unknown[] = [];
    if (args !== null) for (let i = 1; i < args.length; i++) argv.push(toAny(this.evalArg(dot, 'any', args[i]!)));
    if (final !== MISSING) argv.push(toAny(final));
    try {
      return method.fn.apply(method.receiver, argv);
    } catch (err) {
      this.node = node;
      return this.errorf(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  evalCall(dot: unknown, fn: TemplateFunction, isBuiltin: boolean, node: Node, name: string, allArgs: readonly ArgNode[] | null, final: Final): unknown {
    const args = allArgs === null ? [] : allArgs.slice(1);
    const params = fn.params;
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic) {
      numFixed = params.length - 1;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${params.length - 1} got ${args.length}`);
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: unknown = undefined;
      for (const arg of args) {
        v = this.evalArg(dot, 'value', arg);
        if (truth(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'value');
      return v;
    }
    const argv: unknown[] = new Array(numIn);
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv[i] = this.evalArg(dot, params[i]!, args[i]!);
    if (fn.variadic) {
      const t = params[params.length - 1]!;
      for (; i < args.length; i++) argv[i] = this.evalArg(dot, t, args[i]!);
    }
    if (final !== MISSING) {
      let t = params[params.length - 1]!;
      if (fn.variadic && numIn - 1 < numFixed) t = params[numIn - 1]!;
      argv[i] = this.validateType(final, t);
    }
    for (let k = 0; k < argv.length; k++) {
      const t = k < params.length ? params[k]! : params[params.length - 1]!;
      if (t === 'any') argv[k] = toAny(argv[k]);
    }
    try {
      return fn.call(...argv);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      this.node = node;
      return this.errorf(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  validateType(value: unknown, t: ParamType | null): unknown {
    if (value === undefined) {
      if (t === null) return undefined;
      if (canBeNil(t)) return t === 'any' ? null : t === 'value' ? undefined : withSliceElem([], 'string');
      return this.errorf(`invalid value; expected ${paramTypeName(t)}`);
    }
    if (t === null || t === 'value' || t === 'any') return value;
    if (!assignable(value, t)) {
      if (value instanceof Iface) {
        value = value.v;
        if (assignable(value, t)) return value;
      }
      return this.errorf(`wrong type for value; expected ${paramTypeName(t)}; got ${typeName(value)}`);
    }
    return value;
  }

  evalArg(dot: unknown, t: ParamType | null, n: ArgNode): unknown {
    this.node = n;
    switch (n.type) {
      case 'dot': return this.validateType(dot, t);
      case 'nil':
        if (t !== null && canBeNil(t)) return t === 'any' ? null : t === 'value' ? undefined : withSliceElem([], 'string');
        return this.errorf(`cannot assign nil to ${t === null ? '<nil>' : paramTypeName(t)}`);
      case 'field': return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), t);
      case 'variable': return this.validateType(this.evalVariableNode(dot, n, null, MISSING), t);
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), t);
      case 'identifier': return this.validateType(this.evalFunction(dot, n, null, null, MISSING), t);
      case 'chain': return this.validateType(this.evalChainNode(dot, n, null, MISSING), t);
    }
    switch (t) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        return this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float64':
        if (n.type === 'number' && n.isFloat) return Number.isSafeInteger(n.float) ? new GoFloat(n.float) : n.float;
        return this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
        if (n.type === 'number' && n.isInt) return Number(n.int);
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.type === 'string') return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      case 'any': case 'value':
        return this.evalEmptyInterface(n);
    }
    return this.errorf(`can't handle ${nodeString(n)} for arg of type ${t === null ? '<nil>' : paramTypeName(t)}`);
  }

  evalEmptyInterface(n: ArgNode): unknown {
    this.node = n;
    switch (n.type) {
      case 'bool': return n.value;
      case 'number': return this.idealConstant(n);
      case 'string': return n.text;
    }
    return this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  printValue(node: Node, v: unknown): void {
    this.node = node;
    if (v === undefined) {
      this.out.s += '<no value>';
      return;
    }
    if (typeof v === 'string') {
      this.out.s += v;
      return;
    }
    if (kindOf(v) === 'func') this.errorf(`can't print ${nodeString(node)} of type ${typeName(v)}`);
    this.out.s += sprint([v]);
  }
}

// ErrorContext: "name:line:col" (col in bytes, 0-based as Go prints it) and the node's text.
function errorContext(n: Node): [string, string] {
  const text = n.source.text.slice(0, n.pos);
  const nl = text.lastIndexOf('\n');
  const byteNum = nl === -1 ? byteLength(text) : byteLength(text.slice(nl + 1));
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++;
  return [`${n.source.name}:${line}:${byteNum}`, nodeString(n)];
}

// Runs the template `name` of `ctx` over `data` and returns its output.
export function executeTree(ctx: ExecContext, name: string, data: unknown): string {
  const out = { s: '' };
  const dot = data === null ? undefined : data;
  const state = new State(ctx, name, 0, out, dot);
  const tree = ctx.trees.get(name);
  if (tree === undefined) return state.errorf(`${quote(name)} is an incomplete or empty template`);
  state.walk(dot, tree.root);
  return out.s;
}
