// docker's --format handling for list commands (formatter.Context.Write in docker/cli):
//
// - `table ...` renders the rest as one row per item, aligned by docker's tabwriter, under a
//   header row: the same template run over the column names, with the functions that would
//   mangle a name (json, split, join, lower, upper, title, truncate) made to pass it through;
// - `json` is `{{json .}}` per item;
// - anything else is a template printed once per item, each followed by a newline;
// - the two-character sequences `\t` and `\n` in the format stand for a tab and a newline, and
//   spaces around it are trimmed.
//
// Errors read as docker's: "template parsing error: template: :1:2: ...".
import { dockerHeaderFunctions } from './go-template/docker-functions.ts';
import { TemplateExecError } from './go-template/exec.ts';
import type { TemplateError } from './go-template/template-error.ts';
import { parseTemplate, type GoTemplate } from './go-template/template.ts';
import { TabWriter, dockerTableOptions } from './tabwriter.ts';

export interface FormatRowsOptions {
  // the command's column names by field (docker's header contexts: ID -> "CONTAINER ID");
  // a field without one gets its name split at case changes and upper-cased (CreatedAt ->
  // "CREATED AT")
  headers?: Readonly<Record<string, string>>;
  // what the bare word `table` means for this command (docker's default table format)
  defaultTableFormat?: string;
}

const TABLE = 'table';

// "CreatedAt" -> "CREATED AT", "IPAddress" -> "IP ADDRESS", "ID" -> "ID".
export function headerFromFieldName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toUpperCase();
}

export interface PreparedFormat {
  isTable: boolean;
  template: GoTemplate;
}

function templateError(err: unknown): never {
  (err as TemplateError).wrap('template parsing error');
  throw err;
}

// Parses a --format value the way docker's preFormat and parseFormat do.
export function prepareFormat(format: string, options: FormatRowsOptions = {}): PreparedFormat {
  if (format === TABLE && options.defaultTableFormat !== undefined) format = options.defaultTableFormat;
  const isTable = format.startsWith(TABLE);
  let text = format;
  if (isTable) text = text.slice(TABLE.length);
  else if (format === 'json') text = '{{json .}}';
  text = text.replace(/^ +| +$/g, '').replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  try {
    return { isTable, template: parseTemplate(text) };
  } catch (err) {
    return templateError(err);
  }
}

function headerRow(template: GoTemplate, headers: Readonly<Record<string, string>>): string {
  const names: Record<string, string> = {};
  for (const field of template.fieldNames()) names[field] = headerFromFieldName(field);
  Object.assign(names, headers);
  try {
    return template.execute(names, { functions: dockerHeaderFunctions });
  } catch (err) {
    // docker ignores the header's errors and keeps what was written before them
    if (err instanceof TemplateExecError) return err.output;
    throw err;
  }
}

// Renders items for a list command's --format. Throws a TemplateError as docker reports it.
export function formatRows(format: string, rows: Iterable<unknown>, options: FormatRowsOptions = {}): string {
  const { isTable, template } = prepareFormat(format, options);
  let body = '';
  for (const row of rows) {
    try {
      body += template.execute(row) + '\n';
    } catch (err) {
      templateError(err);
    }
  }
  if (!isTable) return body;
  const w = new TabWriter(dockerTableOptions);
  w.write(headerRow(template, options.headers ?? {}));
  w.write('\n');
  w.write(body);
  return w.flush();
}
