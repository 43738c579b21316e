// WWW-Authenticate (RFC 7235) as registries send it:
//   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"
//   Basic realm="Registry Realm"
export interface AuthChallenge {
  scheme: string; // lower-case: basic, bearer
  params: Record<string, string>;
}

export function parseAuthChallenges(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  const out: AuthChallenge[] = [];
  for (const v of values) {
    let i = 0;
    let current: AuthChallenge | undefined;
    while (i < v.length) {
      while (i < v.length && (v[i] === ' ' || v[i] === ',')) i++;
      const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)/.exec(v.slice(i));
      if (!m) break;
      const token = m[1]!;
      i += token.length;
      let j = i;
      while (j < v.length && v[j] === ' ') j++;
      if (v[j] === '=') {
        // a parameter of the current challenge
        j++;
        while (j < v.length && v[j] === ' ') j++;
        let value = '';
        if (v[j] === '"') {
          j++;
          while (j < v.length && v[j] !== '"') {
            if (v[j] === '\\' && j + 1 < v.length) j++;
            value += v[j];
            j++;
          }
          j++;
        } else {
          while (j < v.length && v[j] !== ',' && v[j] !== ' ') value += v[j++];
        }
        if (current) current.params[token.toLowerCase()] = value;
        i = j;
      } else {
        current = { scheme: token.toLowerCase(), params: {} };
        out.push(current);
      }
    }
  }
  return out;
}
