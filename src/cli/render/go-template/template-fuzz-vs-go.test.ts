// Random templates from a small grammar, over random data, run through berth and through Go's
// text/template (the oracle in ../testdata/go-oracle.go): outputs and error messages must be
// identical. The seed is fixed so a failure reproduces; BERTH_FUZZ_SEED and BERTH_FUZZ_CASES
// explore further.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeGoData, goOracle, runOracle } from '../testdata/go-oracle.ts';
import { TemplateExecError } from './exec.ts';
import { goStruct } from './go-values.ts';
import { TemplateError } from './template-error.ts';
import { parseTemplate } from './template.ts';
import { goStringBytes } from './utf8-bytes.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env.BERTH_FUZZ_SEED ?? 20240501);
const count = Number(process.env.BERTH_FUZZ_CASES ?? 3000);
const rand = rng(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (p: number): boolean => rand() < p;

const keys = ['A', 'B', 'Name', 'L', 'M', 'N', 'S', 'é'];
const scalars: unknown[] = ['', 'x', 'héllo wörld', 'a,b,c', '<&>', 0, 1, -7, 42, 1.5, -0.25, 1e21, true, false, null];

function randomValue(depth: number): unknown {
  if (depth <= 0 || chance(0.5)) return pick(scalars);
  switch (Math.floor(rand() * 4)) {
    case 0: return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(depth - 1));
    case 1: return Array.from({ length: Math.floor(rand() * 4) }, () => pick(['a', 'b', 'c,d', '']));
    case 2: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--) o[pick(keys)] = randomValue(depth - 1);
      return o;
    }
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--) o[pick(keys)] = randomValue(depth - 1);
      return goStruct(o);
    }
  }
}

// Each function with the arguments it usually gets, so that most calls get past the arity check.
const calls: Array<[string, number, number, string?]> = [
  ['len', 1, 1], ['index', 2, 3], ['slice', 1, 3], ['not', 1, 1], ['and', 1, 3], ['or', 1, 3],
  ['eq', 2, 3], ['ne', 2, 2], ['lt', 2, 2], ['le', 2, 2], ['gt', 2, 2], ['ge', 2, 2],
  ['print', 0, 3], ['printf', 0, 3, 'format'], ['println', 0, 2], ['html', 1, 2], ['js', 1, 2],
  ['urlquery', 1, 2], ['json', 1, 1], ['join', 2, 2, 'list'], ['split', 2, 2, 'string'],
  ['upper', 1, 1, 'string'], ['lower', 1, 1, 'string'], ['title', 1, 1, 'string'],
  ['pad', 3, 3, 'pad'], ['truncate', 2, 2, 'trunc'],
];
const verbs = ['%v', '%s', '%d', '%q', '%x', '%5.2f', '%-6v|', '%+v', '%T', '%t', '%03d', '%.1s', '%e', '%g', '%c', '%U', '%#v', '%[2]v', '%*d', '%%', '%8.3e', '% x', '%#x', '%-8q'];
const literals = ['0', '1', '-1', '3', '1.5', '1e3', '0x10', "'a'", '"a,b"', '"x"', '""', '`raw`', 'true', 'false', 'nil', '1000000', '2'];

function field(): string {
  let s = '.' + pick(keys);
  while (chance(0.3)) s += '.' + pick(keys);
  return s;
}

function operand(depth: number, vars: string[]): string {
  const r = rand();
  if (r < 0.4) return field();
  if (r < 0.48) return '.';
  if (r < 0.6 && vars.length > 0) return pick(vars) + (chance(0.2) ? field() : '');
  if (r < 0.64) return '$' + (chance(0.5) ? field() : '');
  if (r < 0.85 || depth <= 0) return chance(0.2) ? `"${pick(verbs)}"` : pick(literals);
  return `(${pipeline(depth - 1, vars)})`;
}

function call(depth: number, vars: string[], piped: boolean): string {
  const [f, min, max, shape] = pick(calls);
  let n = min + Math.floor(rand() * (max - min + 1));
  if (piped) n = Math.max(0, n - 1);
  if (chance(0.05)) n++;
  const args: string[] = [];
  const arg = (): string => operand(depth, vars);
  switch (shape) {
    case 'format':
      if (!piped || chance(0.3)) args.push(`"${pick(verbs)} ${pick(verbs)}"`);
      break;
    case 'list': if (!piped) args.push(pick(['.L', '(split .A ",")', arg()])); args.push(pick(['","', '" "', arg()])); n = 0; break;
    case 'string': if (!piped) args.push(pick(['.A', '.Name', arg()])); if (f === 'split') args.push(pick(['","', '""', arg()])); n = 0; break;
    case 'pad': if (!piped) args.push(pick(['.A', arg()])); args.push(pick(['1', '0', arg()]), pick(['2', '0', arg()])); n = 0; break;
    case 'trunc': if (!piped) args.push(pick(['.A', arg()])); args.push(pick(['2', '0', '10', arg()])); n = 0; break;
  }
  for (let i = 0; i < n; i++) args.push(arg());
  return [f, ...args].join(' ');
}

function command(depth: number, vars: string[]): string {
  return chance(0.45) ? operand(depth, vars) : call(depth, vars, false);
}

function pipeline(depth: number, vars: string[]): string {
  const cmds = [command(depth, vars)];
  while (chance(0.25)) cmds.push(chance(0.9) ? call(depth, vars, true) : operand(depth, vars));
  return cmds.join(' | ');
}

function open(): string {
  return chance(0.15) ? '{{- ' : '{{';
}
function close(): string {
  return chance(0.15) ? ' -}}' : '}}';
}

function template(depth: number, vars: string[]): string {
  let out = '';
  for (let i = Math.floor(rand() * 4) + 1; i > 0; i--) {
    const r = rand();
    if (r < 0.2) out += pick(['a', ' ', '\n', 'é ', '  x  ', '\t']);
    else if (r < 0.55 || depth <= 0) out += `${open()}${pipeline(depth, vars)}${close()}`;
    else if (r < 0.62) {
      const v = `$v${depth}`;
      out += `${open()}${v} := ${pipeline(depth, vars)}${close()}${template(depth - 1, [...vars, v])}`;
    } else {
      const kw = pick(['if', 'with', 'range', 'range']);
      let head = pipeline(depth - 1, vars);
      const inner = [...vars];
      if (kw === 'range' && chance(0.5)) {
        head = `$i${depth}, $e${depth} := ${head}`;
        inner.push(`$i${depth}`, `$e${depth}`);
      }
      let body = template(depth - 1, inner);
      if (kw === 'range' && chance(0.2)) body += pick(['{{break}}', '{{continue}}', '{{if .}}{{break}}{{end}}']);
      out += `${open()}${kw} ${head}${close()}${body}`;
      if (chance(0.3)) out += `${open()}else${close()}${template(depth - 1, vars)}`;
      out += `${open()}end${close()}`;
    }
  }
  return out;
}

// Token soup for the lexer and parser: random tokens inside and around actions, across lines.
const tokens = [
  '{{', '}}', '{{-', '-}}', '{{- ', ' -}}', '{{/*', '*/}}', '/* c */', '(', ')', '|', ':=', '=', ',', '.', '..',
  '.A', '.A.B', '$', '$x', '$x.A', 'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block',
  'break', 'continue', 'nil', 'true', 'false', '"s"', '"\\n"', '"\\q"', '`r`', '`', '"', "'a'", "'\\n'",
  "''", "'ab'", '1', '-1', '+1', '1.5', '.5', '1e9', '0x1F', '0x1p-2', '0b101', '0o17', '017', '08', '1_0',
  '1__0', '1i', '1+2i', '99999999999999999999', '1a', 'print', 'printf', 'len', 'index', 'json', 'nosuchfunc',
  ' ', '  ', '\n', '\t', '\r', 'é', '#', '@', '{', '}', '-', '+', 'x', ' - ', '""',
];

function soup(): string {
  let out = '';
  for (let i = Math.floor(rand() * 12) + 1; i > 0; i--) out += pick(tokens).replaceAll('\\n', '\n').replaceAll('\\t', '\t').replaceAll('\\r', '\r');
  return out;
}

// Structures around valid actions: defines, blocks, assignments, comments, trim markers.
function structured(vars: string[]): string {
  switch (Math.floor(rand() * 6)) {
    case 0: return `{{define "T${Math.floor(rand() * 2)}"}}${template(1, [])}{{end}}{{template "T${Math.floor(rand() * 3)}" ${operand(1, vars)}}}`;
    case 1: return `{{block "B" ${operand(1, vars)}}}${template(1, [])}{{end}}`;
    case 2: return `{{$a := ${operand(1, vars)}}}{{$a = ${pipeline(1, [...vars, '$a'])}}}{{$a}}`;
    case 3: return `${pick(['', ' ', '\n', ' \t\n '])}{{${pick(['', '- '])}/* ${pick(['c', '', '}}'])} */${pick(['', ' -'])}}}${pick(['', ' ', '\n x'])}`;
    case 4: return `{{(${operand(1, vars)}).${pick(keys)}}}`;
    default: return `{{printf "${pick(verbs)}${pick(verbs)}" ${operand(1, vars)} ${operand(1, vars)}}}`;
  }
}

// printf with random flags, widths, precisions, argument indexes and verbs (not %p: Go prints
// addresses, berth has none to print).
function printfFormat(): string {
  let f = '';
  for (let i = Math.floor(rand() * 3) + 1; i > 0; i--) {
    f += pick(['', 'x', ' ', '|', 'é']) + '%';
    for (let k = Math.floor(rand() * 3); k > 0; k--) f += pick(['#', '0', '+', '-', ' ']);
    if (chance(0.15)) f += `[${Math.floor(rand() * 4)}]`;
    if (chance(0.4)) f += pick(['1', '5', '12', '*', '0']);
    if (chance(0.4)) f += '.' + pick(['', '0', '1', '3', '10', '*']);
    f += pick(['v', 'v', 's', 'd', 'q', 'x', 'X', 'o', 'O', 'b', 'c', 'U', 'e', 'E', 'f', 'F', 'g', 'G', 't', 'T', '%', 'z']);
  }
  return f;
}

const printfArgs = ['1', '-1', '0', '255', '1.5', '-0.000123', '1e21', '123456.789', '2.5', '0.5', '"héllo"', '""', '"a\\tb"', "'x'", 'true', 'nil', '.L', '.M', '.S', '.A', '.B', '.N', '.Name', '.é', '.', '(index "abc" 0)', '1e-7', '100000.0', '0x1p-1074'];

function printfCase(): string {
  const args = Array.from({ length: Math.floor(rand() * 4) }, () => pick(printfArgs));
  return `{{printf ${JSON.stringify(printfFormat())} ${args.join(' ')}}}`;
}

interface Case {
  t: string;
  d: unknown;
  missingKey: 'default' | 'zero' | 'error';
}

const cases: Case[] = [];
for (let i = 0; i < count; i++) {
  const r = rand();
  let t = r < 0.15 ? soup() : r < 0.3 ? structured([]) + template(1, []) : r < 0.45 ? printfCase() : template(2, []);
  // now and then a mutation that is likely to break the syntax
  if (chance(0.05)) {
    const at = Math.floor(rand() * (t.length + 1));
    t = t.slice(0, at) + pick(['}}', '{{', '(', ')', '|', '"', ':=', ' ', '-', '.', '$', "'"]) + t.slice(at);
  }
  const d: Record<string, unknown> = {};
  for (const k of keys) if (chance(0.85)) d[k] = randomValue(3);
  const missingKey = chance(0.8) ? 'default' : chance(0.5) ? 'zero' : 'error';
  cases.push({ t, d: chance(0.9) ? (chance(0.2) ? goStruct(d) : d) : randomValue(3), missingKey });
}

function runBerth(c: Case): { out: string; err: string | null } {
  try {
    return { out: parseTemplate(c.t).execute(c.d, { missingKey: c.missingKey }), err: null };
  } catch (e) {
    if (e instanceof TemplateExecError) return { out: e.output, err: e.message };
    if (e instanceof TemplateError) return { out: '', err: e.message };
    throw e;
  }
}

const oracle = goOracle();
const skip = oracle === null ? 'go is not installed (install.sh installs golang-go): no oracle to compare with' : false;

test(`${count} random templates (seed ${seed}) give Go's output and errors`, { skip }, () => {
  const want = runOracle(cases.map((c) => ({ template: c.t, data: encodeGoData(c.d), missingKey: c.missingKey === 'default' ? '' : c.missingKey })));
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const got = runBerth(c);
    const w = want[i]!;
    const wantOut = w.out.toString('utf8');
    // the oracle's JSON carries error texts as UTF-8, a broken byte as U+FFFD
    const gotErr = got.err === null ? null : Buffer.from(goStringBytes(got.err)).toString('utf8');
    if (gotErr !== w.err || !Buffer.from(goStringBytes(got.out)).equals(w.out)) {
      failures.push(`template ${JSON.stringify(c.t)}\ndata ${JSON.stringify(encodeGoData(c.d))}\n got ${JSON.stringify(got)}\nwant ${JSON.stringify({ out: wantOut, err: w.err })}`);
    }
  });
  assert.equal(failures.length, 0, `${failures.length} of ${count} differ; first ones:\n\n${failures.slice(0, 5).join('\n\n')}`);
});
