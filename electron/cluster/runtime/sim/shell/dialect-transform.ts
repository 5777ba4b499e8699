import { parse, serialize, type TransformPlugin } from 'just-bash';
import type { ShellDialect } from './dialects';
import { shellQuote } from './quote';

type Node = any;

/** dash's echo: escapes always interpreted, only `-n` is an option */
export const DASH_ECHO = '__kubelab_echo';
/** a bash builtin the dialect lacks: reported as a command that is not found */
export const ABSENT_BUILTIN = '__kubelab_absent';
/** `type` and `command -v/-V` answered as the dialect does (busybox ash names applets bare) */
export const TYPE_COMMAND = '__kubelab_type';

const DASH_MISSING = new Set([
  'let',
  'shopt',
  'declare',
  'typeset',
  'source',
  'select',
  'mapfile',
  'readarray',
  'pushd',
  'popd',
  'disown',
  'complete',
  'compgen',
  'caller',
  'enable',
  'suspend',
  'logout',
  'help',
  'history',
]);
const ASH_MISSING = new Set([
  'shopt',
  'declare',
  'typeset',
  'mapfile',
  'readarray',
  'pushd',
  'popd',
  'disown',
  'complete',
  'compgen',
  'caller',
  'enable',
  'suspend',
  'logout',
  'history',
]);

/** the syntax errors each shell reports before running anything (bash syntax the POSIX shells do not have) */
const SYNTAX: Record<'ash' | 'dash', Record<string, string>> = {
  ash: { cfor: 'syntax error: bad for loop variable', herestring: 'syntax error: unexpected redirection', subst: 'syntax error: bad substitution' },
  dash: {
    cfor: '1: Syntax error: Bad for loop variable',
    herestring: '1: Syntax error: redirection unexpected',
    procsubst: '1: Syntax error: "(" unexpected',
    subst: '1: Bad substitution',
  },
};

const text = (word: Node) =>
  serialize({
    type: 'Script',
    statements: [
      {
        type: 'Statement',
        pipelines: [{ type: 'Pipeline', commands: [{ type: 'SimpleCommand', name: word, args: [], assignments: [], redirections: [] }], negated: false }],
        operators: [],
        background: false,
      },
    ],
  } as any).trim();
const literalWord = (value: string): Node => ({ type: 'Word', parts: [{ type: 'Literal', value }] });

function walk(n: Node, fn: (n: Node) => void): void {
  if (!n || typeof n !== 'object') return;
  if (Array.isArray(n)) {
    for (const x of n) walk(x, fn);
    return;
  }
  fn(n);
  for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v, fn);
}

/** the first bash-only construct this dialect rejects when parsing the script, if any */
function syntaxError(ast: Node, d: 'ash' | 'dash'): string | undefined {
  let err: string | undefined;
  walk(ast, (n) => {
    if (err) return;
    if (n.type === 'CStyleFor') err = 'cfor';
    else if (n.type === 'Redirection' && n.operator === '<<<') err = 'herestring';
    else if (n.type === 'ProcessSubstitution' && d === 'dash') err = 'procsubst';
    else if (
      n.type === 'ParameterExpansion' &&
      n.operation &&
      (n.operation.type === 'CaseModification' || (d === 'dash' && ['Substring', 'PatternReplacement'].includes(n.operation.type)))
    )
      err = 'subst';
  });
  return err && SYNTAX[d][err];
}

/**
 * Makes the engine's bash read a script as busybox ash or dash would: no brace expansion, `((…))` and (in dash)
 * `[[` are ordinary command names, bash-only builtins are missing, dash's echo, and the syntax errors these shells
 * give for bash-only constructs.
 */
export function dialectPlugin(d: ShellDialect, argv0: string): TransformPlugin {
  return {
    name: 'kubelab-dialect',
    transform(ctx) {
      if (d.name === 'bash') return { ast: ctx.ast };
      const err = syntaxError(ctx.ast, d.name);
      if (err) return { ast: parse(`printf '%s\\n' ${shellQuote(`${argv0}: ${err}`)} >&2; exit 2`) };
      const missing = d.name === 'dash' ? DASH_MISSING : ASH_MISSING;
      walk(ctx.ast, (n) => {
        if (n.type === 'Word' && Array.isArray(n.parts) && n.parts.some((p: Node) => p.type === 'BraceExpansion')) {
          n.parts = n.parts.map((p: Node) => (p.type === 'BraceExpansion' ? { type: 'Literal', value: text({ type: 'Word', parts: [p] }) } : p));
        }
        if (n.type === 'SimpleCommand' && n.name?.parts?.length === 1 && n.name.parts[0].type === 'Literal') {
          const name = n.name.parts[0].value;
          const first = n.args[0]?.parts?.length === 1 ? n.args[0].parts[0].value : undefined;
          if (name === 'type' || (name === 'command' && (first === '-v' || first === '-V'))) {
            n.args.unshift(literalWord(name));
            n.name.parts[0].value = TYPE_COMMAND;
          } else if (name === 'echo' && d.name === 'dash') n.name.parts[0].value = DASH_ECHO;
          else if (missing.has(name)) {
            n.args.unshift(literalWord(name));
            n.name.parts[0].value = ABSENT_BUILTIN;
          }
        }
      });
      // (( expr )) and, in dash, [[ … ]] are not syntax there: the shell looks for a command of that name
      const replace = (stmts: Node[]) => {
        for (const s of stmts ?? [])
          for (const p of s.pipelines ?? []) {
            p.commands = p.commands.map((c: Node) => {
              if (c.type === 'ArithmeticCommand')
                return {
                  type: 'SimpleCommand',
                  name: literalWord(ABSENT_BUILTIN),
                  args: [literalWord(c.expression?.originalText ?? '')],
                  assignments: [],
                  redirections: c.redirections ?? [],
                };
              if (c.type === 'ConditionalCommand' && d.name === 'dash')
                return {
                  type: 'SimpleCommand',
                  name: literalWord(ABSENT_BUILTIN),
                  args: [literalWord('[[')],
                  assignments: [],
                  redirections: c.redirections ?? [],
                };
              return c;
            });
          }
      };
      walk(ctx.ast, (n) => {
        if (Array.isArray(n.statements)) replace(n.statements);
        if (Array.isArray(n.body)) replace(n.body);
        if (Array.isArray(n.condition)) replace(n.condition);
        if (Array.isArray(n.elseBody)) replace(n.elseBody);
        if (Array.isArray(n.clauses))
          for (const c of n.clauses) {
            replace(c.condition);
            replace(c.body);
          }
        if (Array.isArray(n.items)) for (const it of n.items) replace(it.body);
      });
      replace(ctx.ast.statements);
      return { ast: ctx.ast };
    },
  };
}

/** dash's echo: only a leading -n is an option; backslash escapes are always interpreted, \c ends the output */
export function dashEcho(args: string[]): string {
  let nl = true;
  if (args[0] === '-n') {
    nl = false;
    args = args.slice(1);
  }
  let out = '';
  const s = args.join(' ');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '\\' || i + 1 >= s.length) {
      out += ch;
      continue;
    }
    const e = s[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (e in simple) out += simple[e];
    else if (e === 'c') return out;
    else if (e === '0') {
      let oct = '';
      while (oct.length < 3 && /[0-7]/.test(s[i + 1] ?? '')) oct += s[++i];
      out += String.fromCharCode(parseInt(oct || '0', 8));
    } else out += '\\' + e;
  }
  return nl ? out + '\n' : out;
}
