import { defineCommand, type Command } from 'just-bash';
import { shellQuote } from './quote';
import { captured } from './engine-fixes';

/**
 * `env` without a command prints the exported environment only (the engine's lists every shell variable, IFS
 * and `?` included); with a command, runs it in exactly the environment given.
 */
export function envCommand(): Command {
  return defineCommand('env', async (args, ctx) => {
    let env: Record<string, string> = { ...(ctx.exportedEnv ?? Object.fromEntries(ctx.env)) };
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i];
      if (a === '-i' || a === '-' || a === '--ignore-environment') env = {};
      else if (a === '-u' || a === '--unset') delete env[args[++i] ?? ''];
      else if (/^[A-Za-z_]\w*=/.test(a)) env[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
      else break;
    }
    // the command runs with exactly this environment, exported (the engine would drop what it must export)
    if (i < args.length)
      return ctx.exec!(
        captured(
          `${Object.keys(env).length ? `export ${Object.keys(env).join(' ')}; ` : ''}${'PWD' in env ? '' : 'export -n PWD; '}${args.slice(i).map(shellQuote).join(' ')}`,
        ),
        {
          env,
          replaceEnv: true,
          cwd: ctx.cwd,
          stdin: ctx.stdin,
        } as any,
      );
    return {
      stdout: Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
      stderr: '',
      exitCode: 0,
    };
  });
}
