import { parse, serialize, type TransformPlugin } from 'just-bash';
import { CAPTURED_MARK } from './engine-fixes';
import { shellQuote } from './quote';
import { compoundParts } from './ast-walk';

type Node = any;

const word = (value: string): Node => ({ type: 'Word', parts: [{ type: 'Literal', value }] });
const redirect = (fd: number, path: string): Node => ({ type: 'Redirection', fd, operator: '>>', target: word(path) });
const yieldCall = (): Node => ({
  type: 'Statement',
  pipelines: [
    { type: 'Pipeline', commands: [{ type: 'SimpleCommand', assignments: [], name: word(YIELD_COMMAND), args: [], redirections: [] }], negated: false },
  ],
  operators: [],
  background: false,
});

export const YIELD_COMMAND = '__kubelab_yield';
export const TRAP_COMMAND = '__kubelab_trap';
export const WAIT_COMMAND = '__kubelab_wait';
export const BG_COMMAND = '__kubelab_bg';
export const LASTBG_COMMAND = '__kubelab_lastbg';
const LASTBG_VAR = '__kubelab_lastbg_pid';
const RENAMED: Record<string, string> = { trap: TRAP_COMMAND, wait: WAIT_COMMAND };

/** just-bash reserves `trap` without implementing it and runs `wait` with no jobs to wait for; route both to ours */
function renameBuiltin(c: Node): void {
  const part = c.name?.parts?.length === 1 ? c.name.parts[0] : undefined;
  if (part?.type === 'Literal' && RENAMED[part.value]) part.value = RENAMED[part.value];
}

/**
 * just-bash runs `cmd &` in the foreground. A background statement becomes a call that starts it as a separate
 * process of the container (its own shell, running concurrently), then records that process's PID for `$!`.
 */
function backgroundJob(s: Node): Node[] {
  const script = serialize({ type: 'Script', statements: [{ ...s, background: false }] } as any);
  return parse(`${BG_COMMAND} ${shellQuote(script)}; ${LASTBG_VAR}=$(${LASTBG_COMMAND})`).statements;
}

/** `$!` reads the variable the background call sets */
function rewriteLastBg(n: Node): void {
  if (!n || typeof n !== 'object') return;
  if (Array.isArray(n)) {
    n.forEach(rewriteLastBg);
    return;
  }
  if (n.type === 'ParameterExpansion' && n.parameter === '!') n.parameter = LASTBG_VAR;
  for (const v of Object.values(n)) if (v && typeof v === 'object') rewriteLastBg(v);
}

/**
 * just-bash returns a script's output when the script ends; a container's output must appear while it runs.
 * This rewrites the script so every command whose output would reach the shell's own stdout/stderr appends it
 * to /proc/<pid>/fd/1|2 (routed to the process's streams) as soon as that command finishes. Our redirections come
 * first so the user's own redirections still win. Loop bodies also get a yield call so busy loops share the
 * event loop and notice stop requests.
 */
export function streamingPlugin(pid: number): TransformPlugin {
  const out = `/proc/${pid}/fd/1`;
  const err = `/proc/${pid}/fd/2`;
  const visitStatements = (stmts: Node[] | null | undefined, stream: boolean) => {
    if (!stmts) return;
    for (let i = 0; i < stmts.length; i++) {
      if (stmts[i].background) {
        const jobs = backgroundJob(stmts[i]);
        stmts.splice(i, 1, ...jobs);
        i += jobs.length - 1;
        continue;
      }
      visitStatement(stmts[i], stream);
    }
  };
  const visitStatement = (s: Node, stream: boolean) => {
    for (const p of s.pipelines) {
      p.commands.forEach((c: Node, i: number) => visitCommand(c, stream && i === p.commands.length - 1));
    }
  };
  const visitCommand = (c: Node, stream: boolean) => {
    switch (c.type) {
      case 'SimpleCommand':
        renameBuiltin(c);
        if (stream && c.name) c.redirections.unshift(redirect(1, out), redirect(2, err));
        return;
      case 'FunctionDef':
        visitCommand(c.body, false); // bodies run wherever they are called (maybe inside $(...)), so they keep plain output
        return;
      case 'ArithmeticCommand':
      case 'ConditionalCommand':
        return;
    }
    // a compound command whose output the user redirected keeps its own plumbing for the body (an input
    // redirection leaves the output where it was)
    if (c.redirections?.some((r: Node) => !r.operator.startsWith('<') || r.operator === '<>' || r.operator === '<&')) {
      if (stream) c.redirections.unshift(redirect(1, out), redirect(2, err));
      stream = false;
    }
    compoundParts(c, (stmts, condition) => visitStatements(stmts, stream && !condition));
    if (['While', 'Until', 'For', 'CStyleFor'].includes(c.type)) c.body.unshift(yieldCall());
  };
  return {
    name: 'kubelab-streaming',
    transform(ctx) {
      rewriteLastBg(ctx.ast);
      // a script whose caller captures its output (see `captured`)
      const first: Node = ctx.ast.statements[0]?.pipelines?.[0]?.commands?.[0];
      if (first?.type === 'SimpleCommand' && first.name?.parts?.[0]?.value === ':' && first.args?.[0]?.parts?.[0]?.value === CAPTURED_MARK)
        return { ast: ctx.ast };
      visitStatements(ctx.ast.statements, true);
      return { ast: ctx.ast };
    },
  };
}
