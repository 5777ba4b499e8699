import { parse, type TransformPlugin } from 'just-bash';
import { compoundParts, walk, type Node } from './ast-walk';

/**
 * Utilities that read their standard input to its end when given no input file. On a pipe they take everything
 * the writer sent (head too: it reads a whole buffer before printing its first lines), so a later command of
 * the same script finds the input used up — `printf 'a\nb\n' | sh -c 'cat; wc -l'` prints a, b and 0.
 */
const DRAINERS: Record<string, (args: string[]) => boolean> = {
  cat: noFiles(0),
  tac: noFiles(0),
  wc: noFiles(0),
  head: noFiles(0, ['-n', '-c']),
  tail: noFiles(0, ['-n', '-c']),
  sort: noFiles(0, ['-k', '-t', '-o']),
  uniq: noFiles(0, ['-f', '-s', '-w']),
  cut: noFiles(0, ['-d', '-f', '-c', '-b']),
  rev: noFiles(0),
  nl: noFiles(0),
  od: noFiles(0, ['-t', '-A', '-N']),
  xxd: noFiles(0),
  base64: noFiles(0),
  md5sum: noFiles(0),
  sha1sum: noFiles(0),
  sha256sum: noFiles(0),
  fold: noFiles(0, ['-w']),
  // the first operand is the pattern or program unless an option gave it
  grep: (a) => noFiles(a.some((x) => /^-\w*[ef]$/.test(x)) ? 0 : 1, ['-e', '-f', '-m', '-A', '-B', '-C'])(a),
  sed: (a) => noFiles(a.some((x) => /^-\w*[ef]$/.test(x)) ? 0 : 1, ['-e', '-f'])(a),
  awk: (a) => noFiles(a.some((x) => /^-\w*f$/.test(x)) ? 0 : 1, ['-F', '-v', '-f'])(a),
  // their operands are never input files
  tr: () => true,
  tee: () => true,
  xargs: () => true,
};

/** builtins that take just the line (or lines) they need */
const LINE_READERS = new Set(['read', 'mapfile', 'readarray']);
const SHELLS = new Set(['sh', 'ash', 'dash', 'bash']);

/** true when argv (after the name) names no input file beyond `skip` leading operands (patterns, programs) */
function noFiles(skip: number, withValue: string[] = []): (args: string[]) => boolean {
  return (args) => {
    const operands: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--') {
        operands.push(...args.slice(i + 1));
        break;
      }
      if (a.startsWith('-') && a !== '-') {
        if (withValue.includes(a)) i++;
        continue;
      }
      operands.push(a);
    }
    const files = operands.slice(skip);
    return files.length === 0 || files.includes('-');
  };
}

const literal = (w: Node): string | undefined =>
  w?.parts?.every((p: Node) => p.type === 'Literal' || p.type === 'SingleQuoted') ? w.parts.map((p: Node) => p.value).join('') : undefined;

/** a simple command that reads the input it inherited (no `<`, here-document or here-string of its own) */
function readsInherited(c: Node, pick: (name: string, args: string[]) => boolean): boolean {
  if (c?.type !== 'SimpleCommand' || !c.name) return false;
  if (c.redirections?.some((r: Node) => r.operator.startsWith('<') && r.operator !== '<>' && (r.fd ?? 0) === 0)) return false;
  const name = literal(c.name);
  if (name === undefined) return false;
  const args = (c.args ?? []).map((a: Node) => literal(a) ?? '$');
  return pick(name.split('/').pop() ?? name, args);
}

const firstCommands = (stmt: Node): Node[] => (stmt?.pipelines ?? []).map((p: Node) => p.commands?.[0]);

/**
 * Whether a `sh -c` script may read the shell's standard input: the first command of some pipeline reads what it
 * inherited. Only then does the shell wait for the input to arrive; a script that never reads it runs at once,
 * whatever is (or is not) coming on a stdin that stays open (`kubectl run -i … -- sh -c 'wget …'`).
 */
export function scriptReadsStdin(script: string): boolean {
  const ast = parsed(script);
  return !!ast && anyReaders(ast) > 0;
}

function parsed(script: string): Node | undefined {
  try {
    return parse(script);
  } catch {
    return undefined; // the shell reports the syntax error without reading anything
  }
}

const isReader = (name: string, args: string[]) => LINE_READERS.has(name) || SHELLS.has(name) || (DRAINERS[name]?.(args) ?? false);

/** the commands anywhere in the script (functions, $(…), background jobs too) that may read what they inherited */
function anyReaders(ast: Node): number {
  let n = 0;
  walk(ast, (s) => {
    if (s.type === 'Statement') n += firstCommands(s).filter((c) => readsInherited(c, isReader)).length;
  });
  return n;
}

const takesOwnInput = (c: Node): boolean => !!c.redirections?.some((r: Node) => r.operator.startsWith('<') && r.operator !== '<>' && (r.fd ?? 0) === 0);

/**
 * The reading commands whose stdin is certainly the shell's own: first commands of foreground pipelines, at the
 * top or inside compound commands (if, loops, case, groups) that do not take input of their own.
 */
function shellStdinReaders(stmts: Node[] | null | undefined, found: (c: Node) => void): void {
  const visit = (c: Node): void => {
    if (!c) return;
    if (c.type === 'SimpleCommand') {
      if (readsInherited(c, isReader)) found(c);
      return;
    }
    if (!takesOwnInput(c)) compoundParts(c, (stmts) => shellStdinReaders(stmts, found));
  };
  for (const s of stmts ?? []) if (!s.background) for (const p of s.pipelines ?? []) visit(p.commands?.[0]);
}

/**
 * Whether the script's input can reach it line by line as it arrives (see `liveStdinPlugin`): every command that
 * may read it is one whose stdin is certainly the shell's. Others (a reading function, `$(cat)`) get the whole
 * input at its end, as before.
 */
export function scriptStreamsStdin(script: string): boolean {
  const ast = parsed(script);
  if (!ast) return false;
  let n = 0;
  shellStdinReaders(ast.statements, () => n++);
  return n > 0 && n === anyReaders(ast);
}

/**
 * Points the commands that read the shell's stdin at files serving it as it arrives: `read` at one giving a line
 * per read (sh reads a pipe byte by byte, so each `read` takes just its line), the rest at one giving everything
 * until end of file.
 */
export function liveStdinPlugin(linePath: string, restPath: string): TransformPlugin {
  const from = (path: string): Node => ({ ...devNull(), target: { type: 'Word', parts: [{ type: 'Literal', value: path }] } });
  return {
    name: 'kubelab-live-stdin',
    transform(ctx) {
      shellStdinReaders(ctx.ast.statements, (c) => {
        (c.redirections ??= []).push(from(literal(c.name) === 'read' ? linePath : restPath));
      });
      return { ast: ctx.ast };
    },
  };
}

const devNull = (): Node => ({
  type: 'Redirection',
  fd: null,
  operator: '<',
  target: { type: 'Word', parts: [{ type: 'Literal', value: '/dev/null' }] },
});

/**
 * The engine hands every command of a script the whole input it was given, and only `read` takes its share.
 * After a top-level statement whose first command drains its input, the rest of the script runs as a group
 * reading /dev/null, so later commands find the input used up as they would on a pipe.
 */
export function stdinDrainPlugin(): TransformPlugin {
  return {
    name: 'kubelab-stdin-drain',
    transform(ctx) {
      const stmts: Node[] = ctx.ast.statements;
      const i = stmts.findIndex((s) => !s.background && readsInherited(firstCommands(s)[0], (name, args) => DRAINERS[name]?.(args) ?? false));
      if (i >= 0 && i < stmts.length - 1) {
        const rest = stmts.splice(i + 1);
        stmts.push({
          type: 'Statement',
          pipelines: [{ type: 'Pipeline', commands: [{ type: 'Group', body: rest, redirections: [devNull()] }], negated: false }],
          operators: [],
          background: false,
        });
      }
      return { ast: ctx.ast };
    },
  };
}
