// `inspect -f TEMPLATE`: one template run per object, each followed by a newline, with docker's
// functions (json, join, upper, ...). Errors read as docker's.
import { parseTemplate } from './go-template/template.ts';
import type { TemplateError } from './go-template/template-error.ts';

export function formatObjects(format: string, objects: unknown[]): string {
  let t;
  try {
    t = parseTemplate(format.replaceAll('\\t', '\t').replaceAll('\\n', '\n'));
  } catch (e) {
    (e as TemplateError).wrap('template parsing error');
    throw e;
  }
  return objects.map((o) => `${t.execute(o)}\n`).join('');
}
