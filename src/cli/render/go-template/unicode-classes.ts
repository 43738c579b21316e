// Go's unicode predicates, by code point. JS regex property classes follow Node's Unicode
// version, which may be newer than Go's tables: the two can disagree on recently assigned code
// points, never on anything docker prints in practice.

const letter = /^\p{L}$/u;
const decimalDigit = /^\p{Nd}$/u;
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

// unicode.IsLetter
export function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a);
  return letter.test(String.fromCodePoint(cp));
}

// unicode.IsDigit
export function isDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return decimalDigit.test(String.fromCodePoint(cp));
}

// The lexer's isAlphaNumeric: identifiers and field names.
export function isAlphaNumeric(cp: number): boolean {
  return cp === 0x5f || isLetter(cp) || isDigit(cp);
}

// strconv.IsPrint / unicode.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020.
export function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  return printable.test(String.fromCodePoint(cp));
}

// The four characters Go's template lexer counts as space.
export function isTemplateSpace(cp: number): boolean {
  return cp === 0x20 || cp === 0x09 || cp === 0x0d || cp === 0x0a;
}
