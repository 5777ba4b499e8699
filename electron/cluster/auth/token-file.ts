// A static token file in kube-apiserver's --token-auth-file format: token,user,uid[,"group1,group2"].
// Read once at start; a missing file means no static tokens.
import { existsSync, readFileSync } from 'node:fs';
import { staticTokens, type TokenAuthenticator } from './authenticator';

/** splits one CSV line, honouring double quotes ("" inside quotes is a literal quote) */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '',
    quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

export function loadTokenFile(path: string): TokenAuthenticator | undefined {
  if (!existsSync(path)) return undefined;
  const entries = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .flatMap((line, i) => {
      if (!line.trim() || line.trimStart().startsWith('#')) return [];
      const [token, user, uid, groups] = csvFields(line);
      if (!token || !user) throw new Error(`${path}:${i + 1}: a token line needs at least token,user`);
      return [
        {
          token,
          user,
          uid: uid || undefined,
          groups: groups
            ? groups
                .split(',')
                .map((g) => g.trim())
                .filter(Boolean)
            : [],
        },
      ];
    });
  return staticTokens(entries);
}
