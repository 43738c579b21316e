// `import --change` / `commit --change`: the Dockerfile instructions docker accepts there (CMD,
// ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR) applied to an
// image config. Exec form is JSON; shell form becomes ["/bin/sh", "-c", text].
import { UsageError } from '../lib/errors.ts';
import type { ImageRunConfig } from '../oci/image-spec.ts';

function execOrShell(arg: string): string[] {
  const t = arg.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch {
      // not JSON: shell form, as docker does
    }
  }
  return ['/bin/sh', '-c', t];
}

function unquote(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) return s.slice(1, -1);
  return s;
}

// key=value pairs (values may be quoted), or the legacy "KEY value" form.
function pairs(arg: string, what: string): [string, string][] {
  const t = arg.trim();
  const words = t.match(/(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g) ?? [];
  if (words.length > 0 && !words[0]!.includes('=')) {
    const sp = t.search(/\s/);
    if (sp < 0) throw new UsageError(`${what} needs a value: ${arg}`);
    return [[t.slice(0, sp), t.slice(sp).trim()]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid ${what} "${w}": expected key=value`);
    return [w.slice(0, eq), unquote(w.slice(eq + 1))];
  });
}

export function applyChanges(config: ImageRunConfig, changes: string[]): ImageRunConfig {
  const c: ImageRunConfig = { ...config };
  for (const change of changes) {
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(change);
    if (!m) throw new UsageError(`invalid --change "${change}": expected a Dockerfile instruction such as CMD ["sh"]`);
    const instr = m[1]!.toUpperCase();
    const arg = m[2]!;
    switch (instr) {
      case 'CMD':
        c.Cmd = execOrShell(arg);
        break;
      case 'ENTRYPOINT':
        c.Entrypoint = execOrShell(arg);
        break;
      case 'ENV': {
        const env = [...(c.Env ?? [])];
        for (const [k, v] of pairs(arg, 'ENV')) {
          const i = env.findIndex((e) => e.split('=')[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        c.Env = env;
        break;
      }
      case 'LABEL':
        c.Labels = { ...c.Labels, ...Object.fromEntries(pairs(arg, 'LABEL')) };
        break;
      case 'EXPOSE':
        c.ExposedPorts = { ...c.ExposedPorts };
        for (const p of arg.trim().split(/\s+/)) c.ExposedPorts[p.includes('/') ? p : `${p}/tcp`] = {};
        break;
      case 'VOLUME': {
        const t = arg.trim();
        const list = t.startsWith('[') ? (JSON.parse(t) as string[]) : t.split(/\s+/);
        c.Volumes = { ...c.Volumes };
        for (const v of list) c.Volumes[v] = {};
        break;
      }
      case 'USER':
        c.User = arg.trim();
        break;
      case 'WORKDIR':
        c.WorkingDir = arg.trim();
        break;
      case 'STOPSIGNAL':
        c.StopSignal = arg.trim();
        break;
      case 'ONBUILD':
        c.OnBuild = [...(c.OnBuild ?? []), arg.trim()];
        break;
      default:
        throw new UsageError(`--change "${instr}" is not supported: expected CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME or WORKDIR`);
    }
  }
  return c;
}
