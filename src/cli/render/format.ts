// --format as docker reads it: "table" (the default columns), "table <template>" (a table with
// headers derived from the fields), "json" (one JSON object per line) or a Go template per row.
import { compileTemplate } from './simple-template.ts';
import { tabwriter } from './output.ts';

export interface FormatSpec {
  defaultTable: string;
  // header of each field: .ID -> IMAGE ID
  headers: Record<string, string>;
}

export function renderFormatted(format: string | undefined, rows: object[], spec: FormatSpec): string {
  const f = format ?? 'table';
  if (f === 'json') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const isTable = f === 'table' || f.startsWith('table ');
  const body = (f === 'table' ? spec.defaultTable : isTable ? f.slice(6) : f).replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const tmpl = compileTemplate(body);
  if (!isTable) return rows.map((r) => `${tmpl(r)}\n`).join('');
  const header = body.replace(/\{\{\s*(?:json\s+)?(\.[A-Za-z.]+)\s*\}\}/g, (_, field: string) => spec.headers[field] ?? field.slice(1).toUpperCase());
  const lines = [header, ...rows.map((r) => tmpl(r))];
  return tabwriter(lines.map((l) => l.split('\t')));
}
