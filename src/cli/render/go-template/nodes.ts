import { quote } from './go-quote.ts';

// The parse tree, shaped like text/template/parse's nodes. `source` is shared by every node of
// one Parse call: execution errors need its name and text to print Go's "name:line:col".

export interface Source {
  // the top-level template's name (ParseName in Go)
  readonly name: string;
  readonly text: string;
}

interface Base {
  readonly pos: number;
  readonly source: Source;
}

export interface ListNode extends Base {
  readonly type: 'list';
  readonly nodes: Node[];
}
export interface TextNode extends Base {
  readonly type: 'text';
  readonly text: string;
}
export interface CommentNode extends Base {
  readonly type: 'comment';
  readonly text: string;
}
export interface PipeNode extends Base {
  readonly type: 'pipe';
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface ActionNode extends Base {
  readonly type: 'action';
  readonly line: number;
  readonly pipe: PipeNode;
}
export interface CommandNode extends Base {
  readonly type: 'command';
  readonly args: ArgNode[];
}
export interface IdentifierNode extends Base {
  readonly type: 'identifier';
  readonly ident: string;
}
export interface VariableNode extends Base {
  readonly type: 'variable';
  // the variable name ($x) and then any fields
  readonly ident: string[];
}
export interface DotNode extends Base {
  readonly type: 'dot';
}
export interface NilNode extends Base {
  readonly type: 'nil';
}
export interface FieldNode extends Base {
  readonly type: 'field';
  readonly ident: string[];
}
export interface ChainNode extends Base {
  readonly type: 'chain';
  readonly node: ArgNode;
  readonly field: string[];
}
export interface BoolNode extends Base {
  readonly type: 'bool';
  readonly value: boolean;
}
export interface NumberNode extends Base {
  readonly type: 'number';
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  // exact integer value when isInt or isUint (64-bit range)
  readonly int: bigint;
  readonly float: number;
  readonly imag: number;
  readonly text: string;
}
export interface StringNode extends Base {
  readonly type: 'string';
  readonly quoted: string;
  readonly text: string;
}
export interface EndNode extends Base {
  readonly type: 'end';
}
export interface ElseNode extends Base {
  readonly type: 'else';
  readonly line: number;
}
export interface BranchNode extends Base {
  readonly type: 'if' | 'range' | 'with';
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface BreakNode extends Base {
  readonly type: 'break';
  readonly line: number;
}
export interface ContinueNode extends Base {
  readonly type: 'continue';
  readonly line: number;
}
export interface TemplateNode extends Base {
  readonly type: 'template';
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}

// What can stand as an operand of a command.
export type ArgNode =
  | IdentifierNode | VariableNode | DotNode | NilNode | FieldNode | ChainNode | BoolNode
  | NumberNode | StringNode | PipeNode;

export type Node =
  | ListNode | TextNode | CommentNode | PipeNode | ActionNode | CommandNode | IdentifierNode
  | VariableNode | DotNode | NilNode | FieldNode | ChainNode | BoolNode | NumberNode | StringNode
  | EndNode | ElseNode | BranchNode | BreakNode | ContinueNode | TemplateNode;

// Node.String() in Go: the source form used in `at <...>` and in parse errors.
export function nodeString(n: Node): string {
  switch (n.type) {
    case 'list':
      return n.nodes.map((c) => nodeString(c)).join('');
    case 'text':
      return n.text;
    case 'comment':
      return `{{${n.text}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map((v) => nodeString(v)).join(', ') + ' := ';
      return s + n.cmds.map((c) => nodeString(c)).join(' | ');
    }
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((i) => '.' + i).join('');
    case 'chain': {
      const head = n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return head + n.field.map((f) => '.' + f).join('');
    }
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'if': case 'range': case 'with': {
      let s = `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList !== null) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'template': {
      let s = `{{template ${quote(n.name)}`;
      if (n.pipe !== null) s += ' ' + nodeString(n.pipe);
      return s + '}}';
    }
  }
}
