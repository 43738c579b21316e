import { readFileSync } from 'node:fs';

// The files docker bind-mounts into every container: /etc/hostname, /etc/hosts and
// /etc/resolv.conf, written for the container in its own directory.

export function hostnameFile(hostname: string): string {
  return `${hostname}\n`;
}

export function hostsFile(o: { hostname: string; extraHosts: string[]; hostNetwork: boolean }): string {
  if (o.hostNetwork) {
    try {
      return readFileSync('/etc/hosts', 'utf8');
    } catch {
      // no host file: the defaults below
    }
  }
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  if (!o.hostNetwork) lines.push(`127.0.1.1\t${o.hostname}`);
  for (const h of o.extraHosts) {
    // docker's --add-host host:ip (ip may itself contain colons for IPv6)
    const i = h.indexOf(':');
    lines.push(`${h.slice(i + 1)}\t${h.slice(0, i)}`);
  }
  return `${lines.join('\n')}\n`;
}

// The host's resolv.conf, with --dns / --dns-search / --dns-option replacing its parts. Loopback
// nameservers are dropped unless the container shares the host's network, as docker does (a
// 127.0.0.53 stub is unreachable from another network namespace); none left means none.
export function resolvConfFile(o: { dns: string[]; search: string[]; options: string[]; hostNetwork: boolean }, hostText?: string): string {
  let text = hostText;
  if (text === undefined) {
    try {
      text = readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      text = '';
    }
  }
  const nameservers: string[] = [];
  const search: string[] = [];
  const options: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) nameservers.push(f[1]);
    else if ((f[0] === 'search' || f[0] === 'domain') && f.length > 1) search.push(...f.slice(1));
    else if (f[0] === 'options') options.push(...f.slice(1));
  }
  const servers = o.dns.length > 0 ? o.dns : o.hostNetwork ? nameservers : nameservers.filter((n) => !/^(127\.|::1$)/.test(n));
  const out: string[] = [];
  for (const n of servers) out.push(`nameserver ${n}`);
  const s = o.search.length > 0 ? o.search : search;
  if (s.length > 0) out.push(`search ${s.join(' ')}`);
  const opts = o.options.length > 0 ? o.options : options;
  if (opts.length > 0) out.push(`options ${opts.join(' ')}`);
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
