// A parsed Go template: parse once, execute over many rows.
import { builtinFunctions } from './builtins.ts';
import { dockerFunctions } from './docker-functions.ts';
import { executeTree, type ExecContext, type MissingKey } from './exec.ts';
import { quote } from './go-quote.ts';
import type { Node } from './nodes.ts';
import { parseTrees, type Tree } from './parser.ts';
import { TemplateError } from './template-error.ts';
import type { FunctionMap } from './template-function.ts';

export interface ParseTemplateOptions {
  // the template's name, printed in errors; docker's is '' ("template: :1:2: ...")
  name?: string;
  // functions besides Go's builtins; defaults to docker's (json, join, split, ...)
  functions?: FunctionMap;
  leftDelim?: string;
  rightDelim?: string;
}

export interface ExecuteOptions {
  // Go's Option("missingkey=..."): what a missing map key gives. Default: <no value>.
  missingKey?: MissingKey;
  // replaces functions of the same name for this run (docker's header functions)
  functions?: FunctionMap;
}

export class GoTemplate {
  readonly name: string;
  readonly #trees: ReadonlyMap<string, Tree>;
  readonly #functions: FunctionMap;

  constructor(name: string, trees: ReadonlyMap<string, Tree>, functions: FunctionMap) {
    this.name = name;
    this.#trees = trees;
    this.#functions = functions;
  }

  // Runs the template over `data`. Throws a TemplateError (phase 'exec') with Go's message; its
  // `output` holds what was written before the failure.
  execute(data: unknown, options: ExecuteOptions = {}): string {
    return this.executeTemplate(this.name, data, options);
  }

  // Runs one of the templates defined with define/block.
  executeTemplate(name: string, data: unknown, options: ExecuteOptions = {}): string {
    if (name !== this.name && !this.#trees.has(name)) {
      throw new TemplateError('exec', `template: no template ${quote(name)} associated with template ${quote(this.name)}`);
    }
    const ctx: ExecContext = {
      trees: this.#trees,
      functions: options.functions === undefined ? this.#functions : { ...this.#functions, ...options.functions },
      missingKey: options.missingKey ?? 'default',
    };
    return executeTree(ctx, name, data);
  }

  // Names of the templates defined in the text, the top-level one included.
  templateNames(): string[] {
    return [...this.#trees.keys()];
  }

  // The first field name of every `.Field` chain in the template: the columns a table's header
  // row needs names for.
  fieldNames(): string[] {
    const out = new Set<string>();
    const visit = (n: Node | null): void => {
      if (n === null) return;
      switch (n.type) {
        case 'list': n.nodes.forEach(visit); return;
        case 'action': visit(n.pipe); return;
        case 'pipe': n.cmds.forEach(visit); return;
        case 'command': n.args.forEach(visit); return;
        case 'field': out.add(n.ident[0]!); return;
        case 'chain': visit(n.node); return;
        case 'if': case 'range': case 'with': visit(n.pipe); visit(n.list); visit(n.elseList); return;
        case 'template': visit(n.pipe); return;
      }
    };
    for (const tree of this.#trees.values()) visit(tree.root);
    return [...out];
  }
}

// Parses a template as Go's template.New(name).Funcs(functions).Parse(text) does. Throws a
// TemplateError (phase 'parse') with Go's message.
export function parseTemplate(text: string, options: ParseTemplateOptions = {}): GoTemplate {
  const name = options.name ?? '';
  const functions = options.functions ?? dockerFunctions;
  const trees = parseTrees(name, text, {
    leftDelim: options.leftDelim,
    rightDelim: options.rightDelim,
    hasFunction: (f) => Object.hasOwn(functions, f) || Object.hasOwn(builtinFunctions, f),
  });
  return new GoTemplate(name, trees, functions);
}
