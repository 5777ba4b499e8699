import type { TransformPlugin } from 'just-bash';
import { walk, type Node } from './ast-walk';

/** first statement (`: MARK;`) of a script whose output its caller captures instead of the process's streams */
export const CAPTURED_MARK = '__kubelab_captured';

/**
 * a command line a utility runs (timeout, nohup, xargs, env): its output is the utility's, so it goes where the
 * utility's goes (a pipe, a redirection), not straight to the process's streams
 */
export const captured = (script: string) => `: ${CAPTURED_MARK}; ${script}`;

/** a parameter no script sets: `${…:?msg}` of it is how a rewrite raises a shell error at the point it occurs */
export const NEVER_SET = '__kubelab_never_set';

/** `${NEVER_SET:?msg}`: expanding it ends the script with the shell's error message `msg` */
export const raiseError = (msg: string): Node => ({
  type: 'ParameterExpansion',
  parameter: NEVER_SET,
  operation: { type: 'ErrorIfUnset', word: { type: 'Word', parts: [{ type: 'Literal', value: msg }] }, checkEmpty: true },
});

// `${NEVER_SET:-}`: empty, and quiet under `set -u`
const EMPTY: Node = {
  type: 'ParameterExpansion',
  parameter: NEVER_SET,
  operation: { type: 'DefaultValue', word: { type: 'Word', parts: [{ type: 'Literal', value: '' }] }, checkEmpty: true },
};
const UNQUOTED_EXPANSION = new Set(['ParameterExpansion', 'CommandSubstitution', 'ArithmeticExpansion']);

/**
 * Where just-bash's bash differs from every shell (bash included), rewritten before it runs:
 * - a command name that comes from an expansion (`$cmd args`) is split into fields like any other word;
 * - `${v:?msg}` names the parameter in its message (`sh: v: msg`);
 * - a `$(…)` inside `$((…))` is marked so the streaming rewrite leaves its output to be captured.
 */
export function engineFixesPlugin(): TransformPlugin {
  return {
    name: 'kubelab-engine-fixes',
    transform(ctx) {
      walk(ctx.ast, (n) => {
        if (n.type === 'SimpleCommand' && n.name?.parts?.some((p: Node) => UNQUOTED_EXPANSION.has(p.type))) {
          // the engine splits a name only when it expands to nothing: lead with an empty expansion, make the real
          // name the first argument, and the engine takes that argument's first field as the command
          n.args.unshift(n.name);
          n.name = { type: 'Word', parts: [EMPTY] };
        }
        if (n.type === 'ParameterExpansion' && n.operation?.type === 'ErrorIfUnset' && n.parameter !== NEVER_SET) {
          const w = n.operation.word ?? { type: 'Word', parts: [] };
          const empty = !w.parts?.some((p: Node) => p.type !== 'Literal' || p.value);
          const why = empty ? (n.operation.checkEmpty ? 'parameter not set or null' : 'parameter not set') : '';
          w.parts = [{ type: 'Literal', value: `${n.parameter}: ${why}` }, ...(empty ? [] : w.parts)];
          n.operation.word = w;
        }
        // the engine re-parses the `$(…)` of a `$((…))` as a script of its own
        if (n.type === 'ArithCommandSubst' && typeof n.command === 'string' && !n.command.includes(CAPTURED_MARK)) n.command = captured(n.command);
      });
      return { ast: ctx.ast };
    },
  };
}
