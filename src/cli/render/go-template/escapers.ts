// The html, js and urlquery builtins (template.HTMLEscaper, JSEscaper, URLQueryEscaper).
import { isPrint } from './unicode-classes.ts';
import { isEscapedByte, utf8Bytes } from './utf8-bytes.ts';

export function escapeHtml(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\0': out += '\ufffd'; break;
      case '"': out += '&#34;'; break;
      case "'": out += '&#39;'; break;
      case '&': out += '&amp;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      default: out += ch;
    }
  }
  return out;
}

const upperHex = '0123456789ABCDEF';

function isJsSpecial(cp: number): boolean {
  switch (cp) {
    case 0x5c: case 0x27: case 0x22: case 0x3c: case 0x3e: case 0x26: case 0x3d:
      return true;
  }
  return cp < 0x20 || cp >= 0x80;
}

export function escapeJs(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (!isJsSpecial(cp)) {
      out += ch;
      continue;
    }
    if (cp < 0x80) {
      switch (cp) {
        case 0x5c: out += '\\\\'; break;
        case 0x27: out += "\\'"; break;
        case 0x22: out += '\\"'; break;
        case 0x3c: out += '\\u003C'; break;
        case 0x3e: out += '\\u003E'; break;
        case 0x26: out += '\\u0026'; break;
        case 0x3d: out += '\\u003D'; break;
        default: out += '\\u00' + upperHex[cp >> 4] + upperHex[cp & 0xf];
      }
    } else if (isPrint(cp) || isEscapedByte(cp)) {
      // Go decodes a broken byte as U+FFFD, which is printable, and copies the byte
      out += ch;
    } else {
      out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    }
  }
  return out;
}

// url.QueryEscape
export function escapeUrlQuery(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += '+';
    } else {
      out += '%' + upperHex[b >> 4] + upperHex[b & 0xf];
    }
  }
  return out;
}
