// --format as docker reads it, through Go's text/template (go-template/): "table" (the
// command's default columns), "table <template>", "json" (one object per line) or a template per
// row. `headers` name the columns by field (.ID -> IMAGE ID).
import { formatRows } from './format-rows.ts';

export interface FormatSpec {
  defaultTable: string;
  headers: Record<string, string>;
}

export function renderFormatted(format: string | undefined, rows: object[], spec: FormatSpec): string {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.headers)) headers[k.replace(/^\./, '')] = v;
  return formatRows(format ?? 'table', rows, { headers, defaultTableFormat: `table ${spec.defaultTable}` });
}
