// What Go cannot be the oracle for: TS classes and methods as template data, the public API,
// and the error class. Expected values follow Go's rules for the equivalent Go types.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBerthError } from '../../../lib/errors.ts';
import { TemplateExecError } from './exec.ts';
import { goStruct } from './go-values.ts';
import { TemplateError } from './template-error.ts';
import { parseTemplate } from './template.ts';
import { goStringBytes } from './utf8-bytes.ts';

const run = (t: string, data?: unknown): string => parseTemplate(t).execute(data);

class ContainerContext {
  readonly #labels: Record<string, string>;
  ID = '4fa6e0f0c678';
  Names = 'web';
  Nil = null;
  constructor(labels: Record<string, string>) {
    this.#labels = labels;
  }
  Label(name: string): string {
    return this.#labels[name] ?? '';
  }
  get Labels(): string {
    return Object.entries(this.#labels).map(([k, v]) => `${k}=${v}`).join(',');
  }
  Fail(): string {
    throw new Error('no such port');
  }
}

describe('class instances are structs with methods', () => {
  const row = new ContainerContext({ 'com.x': 'one', 'com.y': 'two' });

  test('fields, getters and methods with arguments', () => {
    assert.equal(run('{{.ID}} {{.Names}} {{.Label "com.x"}} {{.Labels}}', row), '4fa6e0f0c678 web one com.x=one,com.y=two');
  });

  test('a piped value is the last argument of a method', () => {
    assert.equal(run('{{"com.y" | .Label}}', row), 'two');
  });

  test('a method that throws is Go\'s "error calling"', () => {
    assert.throws(() => run('x{{.Fail}}', row), {
      name: 'TemplateExecError',
      message: 'template: :1:3: executing "" at <.Fail>: error calling Fail: no such port',
    });
  });

  test('a getter that throws is an error too', () => {
    const data = new (class {
      get Broken(): string {
        throw new Error('gone');
      }
    })();
    assert.throws(() => run('{{.Broken}}', data), { message: 'template: :1:2: executing "" at <.Broken>: error calling Broken: gone' });
  });

  test('a missing field is an error naming the class', () => {
    assert.throws(() => run('{{.Nope}}', row), {
      message: 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type ContainerContext',
    });
  });

  test('a field cannot take arguments', () => {
    assert.throws(() => run('{{.ID 1}}', row), {
      message: 'template: :1:2: executing "" at <.ID>: ID has arguments but cannot be invoked as function',
    });
  });

  test('Object.prototype members are not fields', () => {
    assert.throws(() => run('{{.toString}}', row), /can't evaluate field toString in type ContainerContext/);
    assert.throws(() => run('{{.constructor}}', row), /can't evaluate field constructor/);
  });

  test('%v prints the fields in order, a nil field as <nil>', () => {
    assert.equal(run('{{.}}', row), '{4fa6e0f0c678 web <nil>}');
    assert.equal(run('{{printf "%+v" .}}', row), '{ID:4fa6e0f0c678 Names:web Nil:<nil>}');
  });

  test('json encodes the fields in declaration order', () => {
    assert.equal(run('{{json .}}', row), '{"ID":"4fa6e0f0c678","Names":"web","Nil":null}');
  });

  test('a String() method makes a fmt.Stringer', () => {
    class Size {
      bytes = 1090;
      String(): string {
        return '1.09kB';
      }
    }
    assert.equal(run('{{.}} {{printf "%s|%q|%v" . . .}}', new Size()), '1.09kB 1.09kB|"1.09kB"|1.09kB');
    assert.equal(run('{{.}}', [new Size()]), '[1.09kB]');
  });
});

describe('plain objects are maps', () => {
  test('a function-valued property is called like a method', () => {
    const row = { Label: (name: string) => `label:${name}`, Upper: () => 'UP' };
    assert.equal(run('{{.Label "a"}} {{.Upper}}', row), 'label:a UP');
  });

  test('index returns the function itself, and call calls it', () => {
    const data = { F: (a: unknown, b: unknown) => `${String(a)}+${String(b)}` };
    assert.equal(run('{{call (index . "F") 1 "x"}}', data), '1+x');
    assert.throws(() => run('{{call (index . "F") 1}}', { F: () => { throw new Error('boom'); } }), {
      message: 'template: :1:2: executing "" at <call (index . "F") 1>: error calling call: boom',
    });
  });

  test('a missing key is <no value>, or an error with missingkey=error', () => {
    assert.equal(run('{{.Nope}}', { A: 1 }), '<no value>');
    assert.throws(() => parseTemplate('{{.Nope}}').execute({ A: 1 }, { missingKey: 'error' }), /map has no entry for key "Nope"/);
  });

  test('an undefined property counts as missing', () => {
    assert.equal(run('{{.A}} {{len .}}', { A: undefined, B: 1 }), '<no value> 1');
  });
});

describe('goStruct', () => {
  test('names the type in errors', () => {
    const row = goStruct({ ID: 'x' }, '*formatter.ContainerContext');
    assert.throws(() => run('{{.Foo}}', row), {
      message: 'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext',
    });
  });

  test('anonymous structs are named by their fields, as reflect does', () => {
    assert.throws(() => run('{{.Foo}}', goStruct({ A: 'x', B: [1, 'y'], C: null })), /in type struct \{ A string; B \[\]interface \{\}; C interface \{\} \}$/);
  });
});

describe('API', () => {
  test('parse once, execute many times', () => {
    const t = parseTemplate('{{.Name}}:{{len .L}}');
    assert.equal(t.execute({ Name: 'a', L: [1] }), 'a:1');
    assert.equal(t.execute({ Name: 'b', L: [] }), 'b:0');
  });

  test('the template name is used in errors', () => {
    assert.throws(() => parseTemplate('{{.A.B}}', { name: 'inspect' }).execute({ A: 1 }), /template: inspect:1:4: executing "inspect" at <\.A\.B>/);
  });

  test('define, executeTemplate and templateNames', () => {
    const t = parseTemplate('{{define "row"}}[{{.}}]{{end}}{{range .}}{{template "row" .}}{{end}}');
    assert.equal(t.execute(['a', 'b']), '[a][b]');
    assert.equal(t.executeTemplate('row', 'x'), '[x]');
    assert.deepEqual(t.templateNames().sort(), ['', 'row']);
    assert.throws(() => t.executeTemplate('nope', 1), { message: 'template: no template "nope" associated with template ""' });
  });

  test('fieldNames lists the columns a table uses', () => {
    assert.deepEqual(parseTemplate('{{.ID}}\t{{.Names | join ","}}{{if .Size}}{{(.Config).Image}}{{end}}').fieldNames(), ['ID', 'Names', 'Size', 'Config']);
  });

  test('custom functions carry Go signatures', () => {
    const t = parseTemplate('{{repeat .S 3}}', {
      functions: { repeat: { params: ['string', 'int'], call: (s: string, n: number) => s.repeat(n) } },
    });
    assert.equal(t.execute({ S: 'ab' }), 'ababab');
    assert.throws(() => parseTemplate('{{repeat "a" "b"}}', { functions: { repeat: { params: ['string', 'int'], call: () => '' } } }).execute(null), {
      message: 'template: :1:13: executing "" at <"b">: expected integer; found "b"',
    });
    assert.throws(() => parseTemplate('{{json .}}', { functions: {} }), { message: 'template: :1: function "json" not defined' });
  });

  test('execute-time functions replace parse-time ones (docker\'s header functions)', () => {
    const t = parseTemplate('{{upper .}}');
    assert.equal(t.execute('a', { functions: { upper: { params: ['string'], call: (s: string) => `<${s}>` } } }), '<a>');
    assert.equal(t.execute('a'), 'A');
  });

  test('errors are BerthErrors with stable codes, and keep the partial output', () => {
    try {
      run('ok {{.A.B}}', { A: 1 });
      assert.fail('no error');
    } catch (e) {
      assert.ok(isBerthError(e) && e instanceof TemplateError && e instanceof TemplateExecError);
      assert.equal(e.code, 'E_TEMPLATE_EXEC');
      assert.equal(e.phase, 'exec');
      assert.equal(e.output, 'ok ');
    }
    try {
      parseTemplate('{{if}}');
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof TemplateError);
      assert.equal(e.code, 'E_TEMPLATE_PARSE');
      assert.equal(e.wrap('template parsing error').message, 'template parsing error: template: :1: missing value for if');
    }
  });

  test('recursion stops with an error instead of exhausting the stack', () => {
    assert.throws(() => run('{{define "a"}}{{template "a" .}}{{end}}{{template "a" .}}', 1), /exceeded maximum template depth \(1000\)/);
  });

  test('bytes that are not UTF-8 come out as Go writes them', () => {
    const out = run('{{slice "héllo" 0 2}}|{{"\\xff"}}');
    assert.deepEqual([...goStringBytes(out)], [0x68, 0xc3, 0x7c, 0xff]);
    assert.equal(Buffer.from(out, 'utf8').toString(), 'h\ufffd|\ufffd');
  });
});

describe('Go 1.19 semantics where newer Go differs', () => {
  // docker's CLI is built with a newer Go; these follow the Go the tests compare with
  test('range over an integer is an error (Go 1.22 iterates)', () => {
    assert.throws(() => run('{{range 3}}x{{end}}'), /range can't iterate over 3/);
  });

  test('{{else with}} does not parse (Go 1.23 accepts it)', () => {
    assert.throws(() => run('{{with .A}}{{else with .B}}{{end}}', {}), /unexpected <with> in else/);
  });
});
