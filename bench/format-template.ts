// Cost of --format: parsing typical docker format strings, and rendering them over 100 rows
// (templates alone, and `table` through the tabwriter). Prints the median of many runs per item
// and the first, cold run. The budget is well under a millisecond for each.
// Usage: node bench/format-template.ts [--runs 200]
import { formatRows } from '../src/cli/render/format-rows.ts';
import { parseTemplate } from '../src/cli/render/go-template/index.ts';
import { containerInspect, psHeaders, psRows } from '../src/cli/render/go-template/testdata/docker-data.ts';

const arg = (name: string, def: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : def);
const runs = Number(arg('--runs', '200'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function measure(label: string, fn: () => unknown): void {
  const times: number[] = [];
  let sink = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e3);
    sink += typeof r === 'string' ? r.length : 1;
  }
  if (sink < 0) console.log(sink);
  console.log(`${label.padEnd(58)} median ${median(times).toFixed(1).padStart(7)} µs   first ${times[0]!.toFixed(1).padStart(7)} µs`);
}

const psTable = 'table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}';
const formats = [
  psTable,
  '{{.ID}}: {{.Names}} ({{.State}})',
  '{{json .Config}}',
  '{{range .Mounts}}{{.Source}} -> {{.Destination}}\n{{end}}',
  '{{range $name, $net := .NetworkSettings.Networks}}{{$name}}={{$net.IPAddress}} {{end}}',
  '{{index .Config.Labels "com.docker.compose.project"}} {{.State.Pid}} {{printf "%.12s" .Id}}',
];

const base = psRows();
const rows = Array.from({ length: 100 }, (_, i) => ({ ...base[i % base.length]!, ID: `${i}`.padStart(12, '0') }));
const inspects = Array.from({ length: 100 }, () => containerInspect());

console.log(`node ${process.version}, ${runs} runs each`);
for (const f of formats) measure(`parse ${JSON.stringify(f).slice(0, 50)}`, () => parseTemplate(f));

measure('ps: table, 100 rows (parse + rows + header + tabwriter)', () => formatRows(psTable, rows, { headers: psHeaders }));
measure('ps: plain format, 100 rows', () => formatRows('{{.ID}}: {{.Names}} ({{.State}})', rows));
measure('ps: json, 100 rows', () => formatRows('json', rows));
for (const f of formats.slice(2)) {
  const t = parseTemplate(f);
  measure(`inspect x100 ${JSON.stringify(f).slice(0, 40)}`, () => {
    let out = '';
    for (const c of inspects) out += t.execute(c);
    return out;
  });
}
