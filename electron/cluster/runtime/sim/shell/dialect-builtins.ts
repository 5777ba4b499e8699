import { defineCommand, type Command } from 'just-bash';
import type { SimContainer } from '../container';
import { FATAL_MARK } from './dialects';

/** prints a shell diagnostic (`bash: …`, worded later as the dialect's) and returns a status: args [status, text] */
export const FAIL_COMMAND = '__kubelab_fail';
/** `$-`: the shell's single-letter options, args [dialect] */
export const FLAGS_COMMAND = '__kubelab_flags';
/** checks that `. FILE` can be read before the engine sources it, args [dialect, FILE] */
export const SOURCE_CHECK = '__kubelab_source_check';

// SHELLOPTS names → option letters, in the order each shell's option table lists them ($- prints it backwards)
const LETTERS: Record<string, string> = {
  errexit: 'e',
  noglob: 'f',
  monitor: 'm',
  noexec: 'n',
  xtrace: 'x',
  verbose: 'v',
  noclobber: 'C',
  allexport: 'a',
  notify: 'b',
  nounset: 'u',
};
const ORDER: Record<string, string> = { ash: 'efImnscxvCabu', dash: 'efImnsxvVECabu' };

/** the commands our dialect rewrites call */
export function dialectBuiltins(c: SimContainer): Command[] {
  return [
    defineCommand(FAIL_COMMAND, async (args) => ({ stdout: '', stderr: `bash: ${args[1] ?? ''}\n`, exitCode: Number(args[0] ?? 1) })),
    defineCommand(FLAGS_COMMAND, async (args, ctx) => {
      const on = new Set((ctx.env.get('SHELLOPTS') ?? '').split(':').map((o) => LETTERS[o]));
      // busybox ash lists `c` for a script given with -c
      if (args[0] === 'ash') on.add('c');
      const order = ORDER[args[0]] ?? ORDER.dash;
      return {
        stdout: [...order]
          .filter((l) => on.has(l))
          .reverse()
          .join(''),
        stderr: '',
        exitCode: 0,
      };
    }),
    defineCommand(SOURCE_CHECK, async (args, ctx) => {
      const [d, file = ''] = args;
      const dirs = file.includes('/') ? [ctx.cwd] : (ctx.env.get('PATH') ?? '').split(':');
      for (const dir of dirs) if (await c.fs.exists(c.fs.resolvePath(dir, file)).catch(() => false)) return { stdout: '', stderr: '', exitCode: 0 };
      const msg = d === 'dash' ? `1: .: cannot open ${file}: No such file` : `.: line 0: can't open '${file}': No such file or directory`;
      return { stdout: '', stderr: `bash: ${FATAL_MARK}${msg}\n`, exitCode: 2 };
    }),
  ];
}
