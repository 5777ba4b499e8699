// The part of Go's text/template that crictl's `-o go-template --template …` offers: fields of the decoded JSON
// (`.status.state`, `$`), pipelines, if/else, range, with, and crictl's functions (json, title, lower, upper) beside
// Go's builtins used in everyday templates (index, len, print, printf, eq, ne, not, and, or). Missing keys are
// errors, as crictl executes templates with missingkey=error.

type Value = unknown;
interface Operand {
  kind: 'field' | 'string' | 'number' | 'bool' | 'func' | 'nil';
  text: string;
  path?: string[];
  /** '.', or the variable whose fields it reads ('$' is the data the template was given) */
  root?: string;
  pos: number;
}
type Command = Operand[];
interface Pipe {
  cmds: Command[];
  pos: number;
  /** `$x := …`, or `$k, $v := …` in range */
  decl: string[];
}
type Vars = Map<string, Value>;
type Node = { t: 'text'; text: string } | { t: 'print'; pipe: Pipe } | { t: 'if' | 'with' | 'range'; pipe: Pipe; body: Node[]; orElse: Node[] };

export class TemplateError extends Error {}

const NAME = 'tmplExecuteRawJSON';
const FUNCS = new Set(['json', 'title', 'lower', 'upper', 'index', 'len', 'print', 'printf', 'println', 'eq', 'ne', 'not', 'and', 'or']);

/** renders `template` over `data` (what encoding/json decoded) as crictl does */
export function executeGoTemplate(template: string, data: Value): string {
  const nodes = parse(template);
  let out = '';
  const vars: Vars = new Map([['$', data]]);
  const run = (list: Node[], dot: Value) => {
    for (const n of list) {
      if (n.t === 'text') out += n.text;
      else if (n.t === 'print') {
        const v = evalPipe(n.pipe, dot, vars, template);
        // a declaration prints nothing
        if (n.pipe.decl.length) vars.set(n.pipe.decl[0], v);
        else out += show(v);
      } else {
        const v = evalPipe(n.pipe, dot, vars, template);
        if (n.t === 'range') {
          const keys = Array.isArray(v) ? v.map((_x, i) => i) : isMap(v) ? Object.keys(v).sort() : undefined;
          if (keys === undefined && v != null) throw execError(template, n.pipe.pos, `range can't iterate over ${show(v)}`);
          if (!keys?.length) run(n.orElse, dot);
          for (const k of keys ?? []) {
            const x = (v as Record<string | number, Value>)[k];
            const [a, b] = n.pipe.decl;
            if (b) vars.set(a, k).set(b, x);
            else if (a) vars.set(a, x);
            run(n.body, x);
          }
        } else {
          if (n.pipe.decl.length) vars.set(n.pipe.decl[0], v);
          if (truth(v)) run(n.body, n.t === 'with' ? v : dot);
          else run(n.orElse, dot);
        }
      }
    }
  };
  run(nodes, data);
  return out;
}

function parse(src: string): Node[] {
  const root: Node[] = [];
  const stack: { node: Extract<Node, { body: Node[] }>; inElse: boolean }[] = [];
  const into = () => (stack.length ? (stack[stack.length - 1].inElse ? stack[stack.length - 1].node.orElse : stack[stack.length - 1].node.body) : root);
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open >= 0 && src.startsWith('{{- ', open)) text = text.replace(/\s+$/, '');
    if (text) into().push({ t: 'text', text });
    if (open < 0) break;
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw parseError(src, open, 'unclosed action');
    let start = open + 2;
    let end = close;
    if (src.startsWith('- ', start)) start += 2;
    trimNext = src[close - 1] === '-' && src[close - 2] === ' ';
    if (trimNext) end = close - 2;
    const body = src.slice(start, end).trim();
    const at = start + (src.slice(start, end).length - src.slice(start, end).trimStart().length);
    i = close + 2;
    const word = /^(if|range|with|else|end)\b\s*/.exec(body);
    const kw = word?.[1];
    if (kw === 'end' || kw === 'else') {
      const top = stack[stack.length - 1];
      if (!top) throw parseError(src, open, `unexpected {{${kw}}}`);
      if (kw === 'end') stack.pop();
      else top.inElse = true;
      continue;
    }
    if (body.startsWith('/*')) continue;
    const pipe = parsePipe(src, body.slice(word?.[0].length ?? 0), at + (word?.[0].length ?? 0));
    if (kw) {
      const node = { t: kw as 'if' | 'with' | 'range', pipe, body: [], orElse: [] };
      into().push(node);
      stack.push({ node, inElse: false });
    } else into().push({ t: 'print', pipe });
  }
  if (stack.length) throw parseError(src, src.length, `unexpected EOF`);
  return root;
}

function parsePipe(src: string, whole: string, start: number): Pipe {
  const d = /^\s*(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=/.exec(whole);
  const decl = d ? [d[1], d[2]].filter((x): x is string => !!x) : [];
  const text = d ? whole.slice(d[0].length) : whole;
  const offset = start + (d ? d[0].length : 0);
  const cmds: Command[] = [[]];
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(\|)|((?:\$\w*)?(?:\.[A-Za-z_]\w*)+|\.|\$\w*)|(-?\d+(?:\.\d+)?)|(true|false|nil)|([A-Za-z_]\w*))/y;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(text))) {
    last = re.lastIndex;
    const pos = offset + m.index + (m[0].length - m[0].trimStart().length);
    const cmd = cmds[cmds.length - 1];
    if (m[1]) cmd.push({ kind: 'string', text: JSON.parse(m[1]), pos });
    else if (m[2]) cmd.push({ kind: 'string', text: m[2].slice(1, -1), pos });
    else if (m[3]) cmds.push([]);
    else if (m[4]) {
      const root = m[4].startsWith('$') ? m[4].split('.')[0] : '.';
      const path = m[4]
        .slice(root === '.' ? 0 : root.length)
        .split('.')
        .filter(Boolean);
      cmd.push({ kind: 'field', text: m[4], path, root, pos });
    } else if (m[5]) cmd.push({ kind: 'number', text: m[5], pos });
    else if (m[6]) cmd.push({ kind: m[6] === 'nil' ? 'nil' : 'bool', text: m[6], pos });
    else if (m[7]) {
      if (!FUNCS.has(m[7])) throw parseError(src, pos, `function "${m[7]}" not defined`);
      cmd.push({ kind: 'func', text: m[7], pos });
    }
    if (re.lastIndex >= text.length) break;
  }
  if (text.slice(last).trim()) throw parseError(src, offset + last, `unexpected "${text.slice(last).trim()[0]}" in command`);
  if (cmds.some((c) => !c.length)) throw parseError(src, offset, 'missing value for command');
  for (const o of cmds.flat())
    if (o.root && o.root !== '.' && o.root !== '$' && !declared(src, o.root, decl)) throw parseError(src, o.pos, `undefined variable "${o.root}"`);
  return { cmds, pos: offset, decl };
}

/** whether a variable is declared earlier in the template (or by this action) */
function declared(src: string, name: string, decl: string[]): boolean {
  return decl.includes(name) || new RegExp(`\\${name}\\s*(?:,\\s*\\$\\w+\\s*)?:=|,\\s*\\${name}\\s*:=`).test(src);
}

function evalPipe(p: Pipe, dot: Value, vars: Vars, src: string): Value {
  let prev: Value;
  let has = false;
  for (const cmd of p.cmds) {
    prev = evalCommand(cmd, dot, vars, src, has ? [prev] : []);
    has = true;
  }
  return prev;
}

function evalCommand(cmd: Command, dot: Value, vars: Vars, src: string, piped: Value[]): Value {
  const [head, ...rest] = cmd;
  const arg = (o: Operand): Value => operand(o, dot, vars, src);
  if (head.kind !== 'func') {
    if (rest.length || piped.length) throw execError(src, head.pos, `can't give argument to non-function ${head.text}`);
    return arg(head);
  }
  const args = [...rest.map(arg), ...piped];
  const f = head.text;
  switch (f) {
    case 'json':
      return goJson(args[0] ?? null) + '\n';
    case 'title':
      return String(show(args[0])).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());
    case 'lower':
      return show(args[0]).toLowerCase();
    case 'upper':
      return show(args[0]).toUpperCase();
    case 'len':
      if (Array.isArray(args[0]) || typeof args[0] === 'string') return args[0].length;
      if (isMap(args[0])) return Object.keys(args[0]).length;
      throw execError(src, head.pos, `error calling len: len of type ${goType(args[0])}`);
    case 'index': {
      let v = args[0];
      for (const k of args.slice(1)) {
        if (Array.isArray(v)) v = v[Number(k)];
        else if (isMap(v)) v = v[String(k)];
        else throw execError(src, head.pos, `error calling index: can't index item of type ${goType(v)}`);
      }
      return v;
    }
    case 'print':
      return args.map(show).join('');
    case 'println':
      return args.map(show).join(' ') + '\n';
    case 'printf': {
      const vals = args.slice(1);
      return String(args[0] ?? '').replace(/%([svdq%])/g, (_m, c: string) =>
        c === '%' ? '%' : c === 'q' ? JSON.stringify(show(vals.shift())) : show(vals.shift()),
      );
    }
    case 'eq':
      return args.slice(1).some((x) => show(x) === show(args[0]));
    case 'ne':
      return show(args[0]) !== show(args[1]);
    case 'not':
      return !truth(args[0]);
    case 'and':
      return args.find((x) => !truth(x)) ?? args[args.length - 1];
    case 'or':
      return args.find((x) => truth(x)) ?? args[args.length - 1];
  }
  return undefined;
}

function operand(o: Operand, dot: Value, vars: Vars, src: string): Value {
  switch (o.kind) {
    case 'string':
      return o.text;
    case 'number':
      return Number(o.text);
    case 'bool':
      return o.text === 'true';
    case 'nil':
      return null;
    case 'func':
      return undefined;
  }
  let v = o.root === '.' ? dot : vars.get(o.root!);
  for (const key of o.path ?? []) {
    if (!isMap(v)) throw execError(src, o.pos, `can't evaluate field ${key} in type ${goType(v)}`, o.text);
    if (!(key in v)) throw execError(src, o.pos, `map has no entry for key "${key}"`, o.text);
    v = v[key];
  }
  return v;
}

const isMap = (v: Value): v is Record<string, Value> => !!v && typeof v === 'object' && !Array.isArray(v);
const truth = (v: Value): boolean =>
  !(v == null || v === false || v === 0 || v === '' || (Array.isArray(v) && !v.length) || (isMap(v) && !Object.keys(v).length));
const goType = (v: Value): string =>
  v == null ? 'interface {}' : Array.isArray(v) ? '[]interface {}' : isMap(v) ? 'map[string]interface {}' : typeof v === 'number' ? 'json.Number' : typeof v;

/** encoding/json's Encoder: map keys sorted, <, > and & escaped for HTML */
function goJson(v: Value): string {
  const sorted = (x: Value): Value =>
    Array.isArray(x)
      ? x.map(sorted)
      : isMap(x)
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sorted(x[k])]),
          )
        : x;
  return JSON.stringify(sorted(v)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** fmt's %v of a decoded JSON value */
function show(v: Value): string {
  if (v === undefined || v === null) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(nested).join(' ')}]`;
  if (isMap(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${nested(v[k])}`)
      .join(' ')}]`;
  return String(v);
}
const nested = (v: Value): string => (v === null || v === undefined ? '<nil>' : show(v));

function lineCol(src: string, pos: number): string {
  const before = src.slice(0, pos);
  const line = before.split('\n').length;
  return `${line}:${pos - (before.lastIndexOf('\n') + 1)}`;
}
function parseError(src: string, pos: number, msg: string): TemplateError {
  return new TemplateError(`failed to generate go-template: template: ${NAME}:${src.slice(0, pos).split('\n').length}: ${msg}`);
}
function execError(src: string, pos: number, msg: string, at?: string): TemplateError {
  return new TemplateError(
    `failed to template data: template: ${NAME}:${lineCol(src, pos)}: executing "${NAME}" at <${at ?? src.slice(pos).split('}}')[0].trim()}>: ${msg}`,
  );
}
