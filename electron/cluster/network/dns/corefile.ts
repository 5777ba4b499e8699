/**
 * The Corefile grammar CoreDNS inherits from Caddy: server blocks named by zone keys (`.:53`, `example.org`),
 * each holding directives (one per line, their arguments on the same line, an optional `{ … }` sub-block), with
 * `#` comments, quoted strings and `(snippet)` + `import`. Errors read like CoreDNS's own
 * (`Corefile:3 - Error during parsing: Unknown directive 'foo'`), because the coredns pods log them verbatim.
 */
export interface Directive {
  name: string;
  args: string[];
  line: number;
  /** lines of a `{ … }` block after the directive */
  block: Directive[];
}

export interface ServerBlock {
  keys: string[];
  line: number;
  directives: Directive[];
}

export class CorefileError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`Corefile:${line} - Error during parsing: ${detail}`);
  }
}

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      const start = line;
      let text = '';
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && src[i + 1] === '"') {
          text += '"';
          i += 2;
          continue;
        }
        if (src[i] === '\n') line++;
        text += src[i++];
      }
      if (i >= src.length) throw new CorefileError(start, 'Unexpected EOF');
      i++;
      out.push({ text, line: start, quoted: true });
      continue;
    }
    let text = '';
    while (i < src.length && !/[\s#]/.test(src[i])) text += src[i++];
    out.push({ text, line, quoted: false });
  }
  return out;
}

/** the directives CoreDNS 1.12 knows (its plugin.cfg); anything else is an unknown directive */
export const KNOWN_DIRECTIVES = new Set([
  'root',
  'metadata',
  'geoip',
  'cancel',
  'tls',
  'timeouts',
  'multisocket',
  'reload',
  'nsid',
  'bufsize',
  'bind',
  'debug',
  'trace',
  'ready',
  'health',
  'pprof',
  'prometheus',
  'errors',
  'log',
  'dnstap',
  'local',
  'dns64',
  'acl',
  'any',
  'chaos',
  'loadbalance',
  'tsig',
  'cache',
  'rewrite',
  'header',
  'dnssec',
  'autopath',
  'minimal',
  'template',
  'transfer',
  'hosts',
  'route53',
  'azure',
  'clouddns',
  'k8s_external',
  'kubernetes',
  'file',
  'auto',
  'secondary',
  'etcd',
  'loop',
  'forward',
  'grpc',
  'erratic',
  'whoami',
  'on',
  'sign',
  'view',
]);

const isOpen = (t: Token | undefined) => !!t && !t.quoted && t.text === '{';
const isClose = (t: Token | undefined) => !!t && !t.quoted && t.text === '}';

export function parseCorefile(src: string): ServerBlock[] {
  const toks = tokenize(src);
  const snippets = new Map<string, Token[]>();
  let pos = 0;

  // snippets are cut out first, then `import NAME` splices their tokens in place
  const expanded: Token[] = [];
  while (pos < toks.length) {
    const t = toks[pos];
    if (!t.quoted && /^\(.+\)$/.test(t.text) && isOpen(toks[pos + 1])) {
      const name = t.text.slice(1, -1);
      let depth = 0;
      const body: Token[] = [];
      pos += 2;
      for (; pos < toks.length; pos++) {
        if (isOpen(toks[pos])) depth++;
        if (isClose(toks[pos])) {
          if (depth === 0) break;
          depth--;
        }
        body.push(toks[pos]);
      }
      if (pos >= toks.length) throw new CorefileError(t.line, 'Unexpected EOF');
      snippets.set(name, body);
      pos++;
      continue;
    }
    expanded.push(t);
    pos++;
  }
  const all: Token[] = [];
  for (let k = 0; k < expanded.length; k++) {
    const t = expanded[k];
    if (!t.quoted && t.text === 'import' && expanded[k + 1]) {
      const target = expanded[++k];
      const body = snippets.get(target.text);
      // an import of files (kubeadm-style `import custom/*.override`) matching nothing is allowed, as in Caddy
      if (body) all.push(...body.map((b) => ({ ...b, line: t.line })));
      else if (!/[*/]/.test(target.text)) throw new CorefileError(t.line, `File to import not found: ${target.text}`);
      continue;
    }
    all.push(t);
  }

  const blocks: ServerBlock[] = [];
  let p = 0;
  const directives = (closing: boolean, outerLine: number): Directive[] => {
    const list: Directive[] = [];
    while (p < all.length) {
      const t = all[p];
      if (isClose(t)) {
        if (!closing) throw new CorefileError(t.line, "Unexpected '}' because no matching opening brace");
        p++;
        return list;
      }
      if (isOpen(t)) throw new CorefileError(t.line, "Unexpected token '{', expecting a directive");
      const d: Directive = { name: t.text, args: [], line: t.line, block: [] };
      p++;
      while (p < all.length && all[p].line === t.line && !isOpen(all[p]) && !isClose(all[p])) d.args.push(all[p++].text);
      if (isOpen(all[p]) && all[p].line === t.line) {
        p++;
        d.block = directives(true, d.line);
      }
      list.push(d);
    }
    if (closing) throw new CorefileError(all.at(-1)?.line ?? outerLine, 'Unexpected EOF');
    return list;
  };

  while (p < all.length) {
    const first = all[p];
    const keys: string[] = [];
    while (p < all.length && !isOpen(all[p])) {
      // keys may be on several lines, comma- or space-separated, but a block without braces is a lone key line
      if (keys.length && all[p].line !== all[p - 1].line) break;
      keys.push(...all[p].text.split(',').filter(Boolean));
      p++;
    }
    if (!isOpen(all[p])) throw new CorefileError(first.line, `Unexpected token '${all[p]?.text ?? keys.at(-1)}', expecting '{'`);
    p++;
    const ds = directives(true, first.line);
    for (const d of ds) if (!KNOWN_DIRECTIVES.has(d.name)) throw new CorefileError(d.line, `Unknown directive '${d.name}'`);
    blocks.push({ keys, line: first.line, directives: ds });
  }
  if (!blocks.length) throw new CorefileError(1, 'no server blocks');
  return blocks;
}
