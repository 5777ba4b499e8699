import { decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';
import type { ShellHost } from './commands';
import { profileFor } from './profiles';
import { shellQuote } from './quote';
import { hostShellAt } from '../host-root';

/**
 * `chroot NEWROOT [COMMAND [ARG]...]`. Into the node's root (a hostPath mount of "/", as `kubectl debug node/…`
 * makes at /host) it runs the command, or the shell on stdin, in the node's shell; any other folder has no
 * /bin/sh of its own in the simulator, which the real chroot reports the same way.
 */
export function chrootCommand(h: ShellHost): Command {
  const c = h.container;
  const busybox = profileFor(c.image.image).family === 'busybox';
  const err = (text: string, exitCode: number) => ({ stdout: '', stderr: `chroot: ${text}\n`, exitCode });
  return defineCommand('chroot', async (args, ctx) => {
    const [dir, ...command] = args;
    if (!dir) return busybox ? err('missing operand', 1) : err("missing operand\nTry 'chroot --help' for more information.", 125);
    // chroot(2) needs CAP_SYS_CHROOT, which only root has in these containers
    const cannot = (why: string) => err(`${busybox ? "can't" : 'cannot'} change root directory to '${dir}': ${why}`, busybox ? 1 : 125);
    if (c.id.uid !== 0) return cannot('Operation not permitted');
    const target = ctx.fs.resolvePath(ctx.cwd, dir);
    if (!(await ctx.fs.exists(target))) return cannot('No such file or directory');
    const shell = hostShellAt(c, target, ctx.cwd);
    if (!shell) {
      const prog = command[0] ?? '/bin/sh';
      return busybox ? err(`can't execute '${prog}': No such file or directory`, 127) : err(`failed to run command '${prog}': No such file or directory`, 127);
    }
    const line = command.length ? command.map(shellQuote).join(' ') : decodeBytesToUtf8(ctx.stdin);
    return shell.run(line);
  });
}
