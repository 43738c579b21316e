// The template scanner, following text/template/parse's lexer state by state: the parser's
// error messages quote its items and lines, so its corner cases (trim markers next to spaces,
// numbers glued to letters, a lone '.') must come out the same.
//
// Positions are UTF-16 indices into the template; error messages convert them to Go's byte
// columns when they are printed.
import { formatRuneSharpU, quote } from './go-quote.ts';
import { isAlphaNumeric, isTemplateSpace } from './unicode-classes.ts';

export type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'complex' | 'assign' | 'declare' | 'eof'
  | 'field' | 'identifier' | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString'
  | 'rightDelim' | 'rightParen' | 'space' | 'string' | 'text' | 'variable'
  // keywords
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range'
  | 'template' | 'with';

export interface Item {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

const keywords: Record<string, ItemType | undefined> = {
  block: 'block', break: 'break', continue: 'continue', define: 'define', else: 'else', end: 'end',
  if: 'if', nil: 'nil', range: 'range', template: 'template', with: 'with',
};

export function isKeyword(t: ItemType): boolean {
  switch (t) {
    case 'block': case 'break': case 'continue': case 'dot': case 'define': case 'else': case 'end':
    case 'if': case 'nil': case 'range': case 'template': case 'with':
      return true;
  }
  return false;
}

// item.String() in Go, used in "unexpected X in Y" messages.
export function describeItem(item: Item): string {
  if (item.type === 'eof') return 'EOF';
  if (item.type === 'error') return item.val;
  if (isKeyword(item.type)) return `<${item.val}>`;
  const cps = [...item.val];
  if (cps.length > 10) return quote(cps.slice(0, 10).join('')) + '...';
  return quote(item.val);
}

const EOF = -1;
const leftComment = '/*';
const rightComment = '*/';

type State = ((l: Lexer) => State) | null;

class Lexer {
  readonly input: string;
  readonly leftDelim: string;
  readonly rightDelim: string;
  readonly breakOK: boolean;
  readonly continueOK: boolean;
  readonly items: Item[] = [];
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;

  constructor(input: string, leftDelim: string, rightDelim: string, breakOK: boolean, continueOK: boolean) {
    this.input = input;
    this.leftDelim = leftDelim;
    this.rightDelim = rightDelim;
    this.breakOK = breakOK;
    this.continueOK = continueOK;
  }

  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 0x0a) this.line++;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const c = this.input.charCodeAt(this.pos - 1);
      const w = c >= 0xdc00 && c <= 0xdfff && this.pos >= 2 && isHighSurrogate(this.input.charCodeAt(this.pos - 2)) ? 2 : 1;
      this.pos -= w;
      if (c === 0x0a) this.line--;
    }
  }

  emit(type: ItemType): void {
    this.items.push({ type, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
  }

  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  errorf(message: string): State {
    this.items.push({ type: 'error', pos: this.start, val: message, line: this.startLine });
    return null;
  }

  atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(this.rightDelim, this.pos + 2)) {
      return { delim: true, trimSpaces: true };
    }
    if (this.input.startsWith(this.rightDelim, this.pos)) return { delim: true, trimSpaces: false };
    return { delim: false, trimSpaces: false };
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (r === EOF || isTemplateSpace(r)) return true;
    switch (r) {
      case 0x2e: case 0x2c: case 0x7c: case 0x3a: case 0x29: case 0x28:
        return true;
    }
    return this.input.startsWith(this.rightDelim, this.pos);
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    const p = this.peek();
    if (p !== EOF && isAlphaNumeric(p)) {
      this.next();
      return false;
    }
    return true;
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function isSpaceAt(s: string, i: number): boolean {
  return i < s.length && isTemplateSpace(s.charCodeAt(i));
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return i + 1 < s.length && s.charCodeAt(i) === 0x2d && isSpaceAt(s, i + 1);
}

function hasRightTrimMarker(s: string, i: number): boolean {
  return i + 1 < s.length && isSpaceAt(s, i) && s.charCodeAt(i + 1) === 0x2d;
}

function rightTrimLength(s: string, from: number, to: number): number {
  let i = to;
  while (i > from && isTemplateSpace(s.charCodeAt(i - 1))) i--;
  return to - i;
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && isTemplateSpace(s.charCodeAt(i))) i++;
  return i - from;
}

function lexText(l: Lexer): State {
  const x = l.input.indexOf(l.leftDelim, l.pos);
  if (x >= 0) {
    const ldn = l.leftDelim.length;
    l.pos = x;
    let trimLength = 0;
    if (hasLeftTrimMarker(l.input, l.pos + ldn)) trimLength = rightTrimLength(l.input, l.start, l.pos);
    l.pos -= trimLength;
    if (l.pos > l.start) {
      l.line += countNewlines(l.input, l.start, l.pos);
      l.emit('text');
    }
    l.pos += trimLength;
    l.ignore();
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) {
    l.line += countNewlines(l.input, l.start, l.pos);
    l.emit('text');
  }
  l.emit('eof');
  return null;
}

function lexLeftDelim(l: Lexer): State {
  l.pos += l.leftDelim.length;
  const trimSpace = hasLeftTrimMarker(l.input, l.pos);
  const afterMarker = trimSpace ? 2 : 0;
  if (l.input.startsWith(leftComment, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  l.emit('leftDelim');
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return lexInsideAction;
}

function lexComment(l: Lexer): State {
  l.pos += leftComment.length;
  const i = l.input.indexOf(rightComment, l.pos);
  if (i < 0) return l.errorf('unclosed comment');
  l.pos = i + rightComment.length;
  const { delim, trimSpaces } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  if (trimSpaces) l.pos += 2;
  l.pos += l.rightDelim.length;
  if (trimSpaces) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  return lexText;
}

function lexRightDelim(l: Lexer): State {
  const trimSpace = hasRightTrimMarker(l.input, l.pos);
  if (trimSpace) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += l.rightDelim.length;
  l.emit('rightDelim');
  if (trimSpace) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  return lexText;
}

function lexInsideAction(l: Lexer): State {
  if (l.atRightDelim().delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === EOF) return l.errorf('unclosed action');
  if (isTemplateSpace(r)) {
    l.backup(); // keep the space: it may start " -}}"
    return lexSpace;
  }
  switch (r) {
    case 0x3d: // =
      l.emit('assign');
      return lexInsideAction;
    case 0x3a: // :
      if (l.next() !== 0x3d) return l.errorf('expected :=');
      l.emit('declare');
      return lexInsideAction;
    case 0x7c: // |
      l.emit('pipe');
      return lexInsideAction;
    case 0x22:
      return lexQuote;
    case 0x60:
      return lexRawQuote;
    case 0x24: // $
      return lexVariable;
    case 0x27:
      return lexChar;
    case 0x2e: // .
      if (l.pos < l.input.length) {
        const c = l.input.charCodeAt(l.pos);
        if (c < 0x30 || c > 0x39) return lexField;
      }
      l.backup();
      return lexNumber;
    case 0x2b: case 0x2d:
      l.backup();
      return lexNumber;
    case 0x28:
      l.emit('leftParen');
      l.parenDepth++;
      return lexInsideAction;
    case 0x29:
      l.emit('rightParen');
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf(`unexpected right paren ${formatRuneSharpU(r)}`);
      return lexInsideAction;
  }
  if (r >= 0x30 && r <= 0x39) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r < 0x80 && r >= 0x20 && r < 0x7f) {
    l.emit('char');
    return lexInsideAction;
  }
  return l.errorf(`unrecognized character in action: ${formatRuneSharpU(r)}`);
}

function lexSpace(l: Lexer): State {
  let numSpaces = 0;
  for (;;) {
    const r = l.peek();
    if (r === EOF || !isTemplateSpace(r)) break;
    l.next();
    numSpaces++;
  }
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.input.startsWith(l.rightDelim, l.pos - 1 + 2)) {
    l.backup(); // before the space
    if (numSpaces === 1) return lexRightDelim;
  }
  l.emit('space');
  return lexInsideAction;
}

function lexIdentifier(l: Lexer): State {
  for (;;) {
    const r = l.next();
    if (r !== EOF && isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneSharpU(r)}`);
    const kw = keywords[word];
    if (kw !== undefined) {
      if ((kw === 'break' && !l.breakOK) || (kw === 'continue' && !l.continueOK)) l.emit('identifier');
      else l.emit(kw);
    } else if (word === 'true' || word === 'false') {
      l.emit('bool');
    } else {
      l.emit('identifier');
    }
    return lexInsideAction;
  }
}

function lexField(l: Lexer): State {
  return lexFieldOrVariable(l, 'field');
}

function lexVariable(l: Lexer): State {
  if (l.atTerminator()) {
    l.emit('variable');
    return lexInsideAction;
  }
  return lexFieldOrVariable(l, 'variable');
}

function lexFieldOrVariable(l: Lexer, type: 'field' | 'variable'): State {
  if (l.atTerminator()) {
    l.emit(type === 'variable' ? 'variable' : 'dot');
    return lexInsideAction;
  }
  let r: number;
  for (;;) {
    r = l.next();
    if (r === EOF || !isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneSharpU(r)}`);
  l.emit(type);
  return lexInsideAction;
}

function lexQuoted(l: Lexer, close: number, type: ItemType, unterminated: string): State {
  for (;;) {
    let r = l.next();
    if (r === 0x5c) {
      r = l.next();
      if (r !== EOF && r !== 0x0a) continue;
    }
    if (r === EOF || r === 0x0a) return l.errorf(unterminated);
    if (r === close) break;
  }
  l.emit(type);
  return lexInsideAction;
}

function lexChar(l: Lexer): State {
  return lexQuoted(l, 0x27, 'charConstant', 'unterminated character constant');
}

function lexQuote(l: Lexer): State {
  return lexQuoted(l, 0x22, 'string', 'unterminated quoted string');
}

function lexRawQuote(l: Lexer): State {
  for (;;) {
    const r = l.next();
    if (r === EOF) return l.errorf('unterminated raw quoted string');
    if (r === 0x60) break;
  }
  l.emit('rawString');
  return lexInsideAction;
}

function lexNumber(l: Lexer): State {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    if (!l.scanNumber() || l.input.charCodeAt(l.pos - 1) !== 0x69) {
      return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
    }
    l.emit('complex');
  } else {
    l.emit('number');
  }
  return lexInsideAction;
}

// Scans the whole template. The list ends with an 'eof' item or, on a lexical error, with an
// 'error' item (the parser reports it when it gets there, as Go's does).
export function lex(input: string, leftDelim: string, rightDelim: string, breakOK: boolean, continueOK: boolean): Item[] {
  const l = new Lexer(input, leftDelim || '{{', rightDelim || '}}', breakOK, continueOK);
  let state: State = lexText;
  while (state !== null) state = state(l);
  return l.items;
}
