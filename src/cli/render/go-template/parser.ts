// The template parser, following text/template/parse: the same lookahead of three items and
// the same order of checks, so that a bad template fails with Go's message and line number
// ("template: :1: unexpected \"}\" in operand").
import { GoSyntaxError, quote, unquote } from './go-quote.ts';
import { describeItem, lex, type Item, type ItemType } from './lexer.ts';
import {
  nodeString, type ArgNode, type BranchNode, type CommandNode, type ElseNode, type EndNode,
  type FieldNode, type ListNode, type Node, type PipeNode, type Source, type TemplateNode,
  type VariableNode,
} from './nodes.ts';
import { parseNumberLiteral } from './number-literal.ts';
import { TemplateError } from './template-error.ts';

export interface Tree {
  readonly name: string;
  readonly root: ListNode;
  readonly source: Source;
}

export interface ParseOptions {
  leftDelim?: string;
  rightDelim?: string;
  // whether a function of that name exists (builtins included): undefined ones fail to parse
  hasFunction: (name: string) => boolean;
}

// All items of one Parse call, read by the top-level tree and by every define/block tree.
interface ItemStream {
  readonly items: Item[];
  next: number;
}

class TreeParser {
  readonly name: string;
  readonly source: Source;
  readonly stream: ItemStream;
  readonly treeSet: Map<string, Tree>;
  readonly hasFunction: (name: string) => boolean;
  root: ListNode | null = null;
  private readonly token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(name: string, source: Source, stream: ItemStream, treeSet: Map<string, Tree>, hasFunction: (name: string) => boolean) {
    this.name = name;
    this.source = source;
    this.stream = stream;
    this.treeSet = treeSet;
    this.hasFunction = hasFunction;
  }

  private nextItem(): Item {
    const items = this.stream.items;
    // after an error or EOF item Go's lexer channel is closed and yields zero items: EOF-like
    const item = items[this.stream.next] ?? items[items.length - 1]!;
    if (this.stream.next < items.length) this.stream.next++;
    return item;
  }

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.nextItem();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.type === 'space');
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  errorf(message: string): never {
    this.root = null;
    const line = this.token[0]?.line ?? 1;
    throw new TemplateError('parse', `template: ${this.source.name}:${line}: ${message}`);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(a: ItemType, b: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== a && token.type !== b) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.source.name}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${describeItem(token)}${extra}`);
    }
    this.errorf(`unexpected ${describeItem(token)} in ${context}`);
  }

  // Tree.Parse for the top-level template.
  parseTop(): void {
    this.parse();
    this.add();
  }

  private add(): void {
    const tree = this.treeSet.get(this.name);
    const root = this.root!;
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, { name: this.name, root, source: this.source });
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  private newList(pos: number): ListNode {
    return { type: 'list', pos, source: this.source, nodes: [] };
  }

  private parse(): void {
    this.root = this.newList(this.peek().pos);
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          const def = new TreeParser('definition', this.source, this.stream, this.treeSet, this.hasFunction);
          def.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      this.root.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const nameItem = this.expectOneOf('string', 'rawString', context);
    let name: string;
    try {
      name = unquote(nameItem.val);
    } catch (err) {
      this.errorf(syntaxMessage(err));
    }
    (this as { name: string }).name = name;
    this.expect('rightDelim', context);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  private itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'text':
        return { type: 'text', pos: token.pos, source: this.source, text: token.val };
      case 'leftDelim':
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
    }
    this.unexpected(token, 'input');
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block': return this.blockControl();
      case 'break': return this.breakControl(token);
      case 'continue': return this.continueControl(token);
      case 'else': return this.elseControl();
      case 'end': return this.endControl();
      case 'if': return this.branch('if', true);
      case 'range': return this.branch('range', false);
      case 'template': return this.templateControl();
      case 'with': return this.branch('with', false);
    }
    this.backup();
    const start = this.peek();
    return { type: 'action', pos: start.pos, line: start.line, source: this.source, pipe: this.pipeline('command', 'rightDelim') };
  }

  private breakControl(at: Item): Node {
    const token = this.nextNonSpace();
    if (token.type !== 'rightDelim') this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { type: 'break', pos: at.pos, line: at.line, source: this.source };
  }

  private continueControl(at: Item): Node {
    const token = this.nextNonSpace();
    if (token.type !== 'rightDelim') this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { type: 'continue', pos: at.pos, line: at.line, source: this.source };
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { type: 'variable', pos, source: this.source, ident: ident.split('.') };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, line: start.line, source: this.source, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      this.next();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.peekNonSpace().type;
          if (after === 'variable' || after === 'rightDelim' || after === 'rightParen') continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.type === 'space') {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.type) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case 'bool': case 'charConstant': case 'complex': case 'dot': case 'field': case 'identifier':
        case 'number': case 'nil': case 'rawString': case 'string': case 'variable': case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      switch (pipe.cmds[i]!.args[0]!.type) {
        case 'bool': case 'dot': case 'nil': case 'number': case 'string':
          this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private branch(type: 'if' | 'range' | 'with', allowElseIf: boolean): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(type, 'rightDelim');
      if (type === 'range') this.rangeDepth++;
      let [list, next] = this.itemList();
      if (type === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (allowElseIf && this.peek().type === 'if') {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch('if', true));
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return { type, pos: pipe.pos, line: pipe.line, source: this.source, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private endControl(): EndNode {
    return { type: 'end', pos: this.expect('rightDelim', 'end').pos, source: this.source };
  }

  private elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    if (peek.type === 'if') return { type: 'else', pos: peek.pos, line: peek.line, source: this.source };
    const token = this.expect('rightDelim', 'else');
    return { type: 'else', pos: token.pos, line: token.line, source: this.source };
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const block = new TreeParser(name, this.source, this.stream, this.treeSet, this.hasFunction);
    const [list, end] = block.itemList();
    block.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    return { type: 'template', pos: token.pos, line: token.line, source: this.source, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: token.pos, line: token.line, source: this.source, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.type === 'string' || token.type === 'rawString') {
      try {
        return unquote(token.val);
      } catch (err) {
        this.errorf(syntaxMessage(err));
      }
    }
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, source: this.source, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().type !== 'field') return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos: chainPos, source: this.source, ident: [...node.ident, ...fields] } satisfies FieldNode;
      case 'variable':
        return { type: 'variable', pos: chainPos, source: this.source, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
    }
    return { type: 'chain', pos: chainPos, source: this.source, node, field: fields };
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    const source = this.source;
    switch (token.type) {
      case 'identifier':
        if (!this.hasFunction(token.val)) this.errorf(`function ${quote(token.val)} not defined`);
        return { type: 'identifier', pos: token.pos, source, ident: token.val };
      case 'dot':
        return { type: 'dot', pos: token.pos, source };
      case 'nil':
        return { type: 'nil', pos: token.pos, source };
      case 'variable':
        return this.useVar(token);
      case 'field':
        return { type: 'field', pos: token.pos, source, ident: token.val.slice(1).split('.') };
      case 'bool':
        return { type: 'bool', pos: token.pos, source, value: token.val === 'true' };
      case 'charConstant': case 'complex': case 'number': {
        let n;
        try {
          n = parseNumberLiteral(token.val, token.type);
        } catch (err) {
          this.errorf(syntaxMessage(err));
        }
        return { type: 'number', pos: token.pos, source, text: token.val, isInt: n.isInt, isUint: n.isUint, isFloat: n.isFloat, isComplex: n.isComplex, int: n.int, float: n.float, imag: n.imag };
      }
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string': case 'rawString': {
        let text: string;
        try {
          text = unquote(token.val);
        } catch (err) {
          this.errorf(syntaxMessage(err));
        }
        return { type: 'string', pos: token.pos, source, quoted: token.val, text };
      }
    }
    this.backup();
    return null;
  }

  private useVar(token: Item): VariableNode {
    const v = this.newVariable(token.pos, token.val);
    if (this.vars.includes(v.ident[0]!)) return v;
    this.errorf(`undefined variable ${quote(v.ident[0]!)}`);
  }
}

function syntaxMessage(err: unknown): string {
  if (err instanceof GoSyntaxError || err instanceof Error) return err.message;
  return String(err);
}

// unicode.IsSpace, for bytes.TrimSpace in IsEmptyTree.
function isGoSpace(c: number): boolean {
  switch (c) {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20: case 0x85: case 0xa0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return true;
  }
  return c >= 0x2000 && c <= 0x200a;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isGoSpace(text.charCodeAt(i))) return false;
  return true;
}

// parse.IsEmptyTree: whether a (re)definition may be replaced or ignored.
export function isEmptyTree(n: Node): boolean {
  switch (n.type) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'comment':
      return true;
    case 'text':
      return isBlank(n.text);
  }
  return false;
}

// Parses `text` as the template `name`, with its define and block templates. Throws a
// TemplateError carrying Go's message.
export function parseTrees(name: string, text: string, options: ParseOptions): Map<string, Tree> {
  const source: Source = { name, text };
  const breakOK = !options.hasFunction('break');
  const continueOK = !options.hasFunction('continue');
  const stream: ItemStream = { items: lex(text, options.leftDelim ?? '', options.rightDelim ?? '', breakOK, continueOK), next: 0 };
  const treeSet = new Map<string, Tree>();
  const top = new TreeParser(name, source, stream, treeSet, options.hasFunction);
  top.parseTop();
  return treeSet;
}
