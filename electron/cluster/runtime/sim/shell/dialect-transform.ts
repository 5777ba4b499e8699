import { parse, serialize, type TransformPlugin } from 'just-bash';
import type { ShellDialect } from './dialects';
import { shellQuote } from './quote';
import { walk, type Node } from './ast-walk';
import { NEVER_SET, raiseError } from './engine-fixes';
import { FATAL_MARK } from './dialects';
import { FAIL_COMMAND, FLAGS_COMMAND, SOURCE_CHECK } from './dialect-builtins';

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
  ash: {
    cfor: 'syntax error: bad for loop variable',
    herestring: 'syntax error: unexpected redirection',
    subst: 'syntax error: bad substitution',
    array: 'syntax error: unexpected "("',
  },
  dash: {
    array: '1: Syntax error: "(" unexpected',
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

/** the first bash-only construct this dialect rejects when parsing the script, if any */
function syntaxError(ast: Node, d: 'ash' | 'dash'): string | undefined {
  let err: string | undefined;
  walk(ast, (n) => {
    if (err) return;
    if (n.type === 'CStyleFor') err = 'cfor';
    else if (n.type === 'Redirection' && n.operator === '<<<') err = 'herestring';
    else if (n.type === 'ProcessSubstitution' && d === 'dash') err = 'procsubst';
    else if (n.type === 'Assignment' && n.array) err = 'array';
    else if (n.type === 'ParameterExpansion' && /\[/.test(n.parameter ?? '')) err = 'subst';
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
      posixErrors(ctx.ast, d.name);
      posixBuiltins(ctx.ast, d.name);
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

// variables only bash sets: unset (empty) in the POSIX shells
const BASH_ONLY_VARS: Record<'ash' | 'dash', Set<string>> = {
  ash: new Set(['BASH_VERSION', 'BASH_VERSINFO', 'BASHPID', 'BASH', 'BASH_SOURCE', 'EPOCHSECONDS', 'EPOCHREALTIME']),
  dash: new Set([
    'BASH_VERSION',
    'BASH_VERSINFO',
    'BASHPID',
    'BASH',
    'BASH_SOURCE',
    'EPOCHSECONDS',
    'EPOCHREALTIME',
    'FUNCNAME',
    'RANDOM',
    'SECONDS',
    'LINENO',
  ]),
};

/**
 * Errors ash and dash raise while running (not parsing) that bash does not: `${v:?}` and the arithmetic bash alone
 * has end the script with status 2; `return` outside a function ends the script as `exit` does; `exit -1` is an
 * illegal number; bash's own variables are unset.
 */
function posixErrors(ast: Node, d: 'ash' | 'dash'): void {
  const where = d === 'dash' ? '1: ' : '';
  const inFunction = new Set<Node>();
  walk(ast, (n) => {
    if (n.type === 'FunctionDef') walk(n.body, (x) => inFunction.add(x));
    if (n.type === 'ParameterExpansion' && n.parameter !== NEVER_SET) {
      if (n.operation?.type === 'ErrorIfUnset') {
        const parts = n.operation.word?.parts ?? [];
        if (parts[0]?.type === 'Literal') parts[0].value = `${FATAL_MARK}${where}${parts[0].value}`;
      }
      if (BASH_ONLY_VARS[d].has(n.parameter)) n.parameter = NEVER_SET;
    }
    if (n.type === 'SimpleCommand' && n.name?.parts?.length === 1 && n.name.parts[0].type === 'Literal') {
      const name = n.name.parts[0].value;
      const arg = n.args[0]?.parts?.length === 1 && n.args[0].parts[0].type === 'Literal' ? n.args[0].parts[0].value : undefined;
      if (name === 'return' && !inFunction.has(n)) n.name.parts[0].value = 'exit';
      // dash has no pipefail option: `set` fails, and as a special builtin it ends the script
      if (d === 'dash' && name === 'set' && arg === '-o' && n.args[1]?.parts?.[0]?.value === 'pipefail')
        n.args = [{ type: 'Word', parts: [raiseError(`${FATAL_MARK}1: set: Illegal option -o pipefail`)] }];
      if ((name === 'exit' || name === 'return') && arg !== undefined && /^-\d+$/.test(arg)) {
        const msg = d === 'dash' ? `1: ${name}: Illegal number: ${arg}` : `${name}: line 0: Illegal number: ${arg}`;
        n.args = [{ type: 'Word', parts: [raiseError(FATAL_MARK + msg)] }];
      }
    }
    if (d === 'dash' && n.type === 'Word')
      n.parts = n.parts?.map((p: Node) => {
        if (p.type !== 'ArithmeticExpansion') return p;
        const src: string = p.expression?.originalText ?? '';
        let why: string | undefined;
        walk(p.expression, (x) => {
          if (x.type === 'ArithBinary' && x.operator === '**') why ??= 'expecting primary';
        });
        if (/\b\d+#\w/.test(src)) why ??= 'expecting EOF';
        return why ? raiseError(`${FATAL_MARK}1: arithmetic expression: ${why}: "${src}"`) : p;
      });
  });
}

const simple = (name: string, args: Node[], redirections: Node[] = []): Node => ({
  type: 'SimpleCommand',
  name: literalWord(name),
  args,
  assignments: [],
  redirections,
});
const statement = (commands: Node[], operators: string[] = []): Node => ({
  type: 'Statement',
  pipelines: commands.map((c) => ({ type: 'Pipeline', commands: [c], negated: false })),
  operators,
  background: false,
});

/**
 * Builtins that ash and dash have in a form of their own: `time` is no keyword (busybox has a `time` applet, dash
 * nothing), `$-` lists their options, printf has no `%q`, `. FILE` of a missing file ends the script.
 */
function posixBuiltins(ast: Node, d: 'ash' | 'dash'): void {
  walk(ast, (n) => {
    if (n.type === 'Pipeline' && n.timed) {
      n.timed = false;
      const first = n.commands[0];
      if (first?.type === 'SimpleCommand' && first.name) {
        first.args.unshift(first.name);
        first.name = literalWord('time');
      }
    }
    for (const key of ['parts'] as const)
      if (Array.isArray(n[key]))
        n[key] = n[key].map((p: Node) =>
          p.type === 'ParameterExpansion' && p.parameter === '-' && !p.operation
            ? { type: 'CommandSubstitution', body: { type: 'Script', statements: [statement([simple(FLAGS_COMMAND, [literalWord(d)])])] } }
            : p,
        );
    if (n.type !== 'SimpleCommand' || n.name?.parts?.length !== 1 || n.name.parts[0].type !== 'Literal') return;
    const name = n.name.parts[0].value;
    const fmt = n.args[0]?.parts?.every((p: Node) => p.type === 'Literal' || p.type === 'SingleQuoted')
      ? n.args[0].parts.map((p: Node) => p.value).join('')
      : undefined;
    if (name === 'printf' && fmt?.includes('%q')) {
      const msg = d === 'dash' ? ['2', '1: printf: %q: invalid directive'] : ['1', `${fmt.slice(fmt.indexOf('%q'))}: invalid format`];
      n.name = literalWord(FAIL_COMMAND);
      n.args = msg.map(literalWord);
    }
  });
  // `. FILE`: checked first, so a missing file is the dialect's fatal error instead of the engine's warning
  const guard = (stmts: Node[] | undefined) =>
    stmts?.forEach((s) =>
      s.pipelines?.forEach((p: Node) => {
        p.commands = p.commands.map((c: Node) => {
          const nm = c.type === 'SimpleCommand' && c.name?.parts?.length === 1 ? c.name.parts[0].value : undefined;
          if ((nm !== '.' && nm !== 'source') || !c.args.length || c.sourceChecked) return c;
          const body = [
            statement([simple(SOURCE_CHECK, [literalWord(d), structuredClone(c.args[0])]), { ...c, redirections: [], sourceChecked: true }], ['&&']),
          ];
          return { type: 'Group', body, redirections: c.redirections };
        });
      }),
    );
  walk(ast, (n) => {
    for (const key of ['statements', 'body', 'condition', 'elseBody']) if (Array.isArray(n[key]) && n[key][0]?.type === 'Statement') guard(n[key]);
  });
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

/**
 * dash has no `$'…'` quoting: there `$` is a literal dollar before an ordinary single-quoted string. The engine
 * resolves `$'…'` while parsing, so the script text is changed first: an unquoted `$'` becomes `\$'`.
 */
export function literalDollarQuotes(script: string): string {
  if (!script.includes("$'")) return script;
  let out = '';
  let q: "'" | '"' | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (q === "'") {
      if (ch === "'") q = undefined;
    } else if (ch === '\\') {
      out += ch + (script[++i] ?? '');
      continue;
    } else if (q === '"') {
      if (ch === '"') q = undefined;
    } else if (ch === '#' && (i === 0 || /\s/.test(script[i - 1]))) {
      const end = script.indexOf('\n', i);
      out += end < 0 ? script.slice(i) : script.slice(i, end);
      i = end < 0 ? script.length : end - 1;
      continue;
    } else if (ch === '$' && script[i + 1] === "'") {
      out += '\\$';
      continue;
    } else if (ch === "'" || ch === '"') q = ch;
    out += ch;
  }
  return out;
}
