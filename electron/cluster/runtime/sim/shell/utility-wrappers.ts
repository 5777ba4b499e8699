import { defineCommand, type Command, type CommandContext, type ExecResult } from 'just-bash';
import { lsLong } from './ls-long';
import { rewrite, type UserlandProfile } from './profiles';

/**
 * The engine's own utilities, worded as the image's: each wrapper runs the bundled command it shadows and
 * rewrites its diagnostics and exit status by the profile's rules. Rewriting at the source (not on the pod's
 * stream) keeps `2>&1` and `$?` right too.
 */
export function utilityWrappers(p: UserlandProfile, own: ReadonlySet<string>, owner: string): Command[] {
  const out: Command[] = [];
  const gnu = p.family === 'debian';
  for (const [name, rule] of Object.entries(p.utilities)) {
    if (own.has(name)) continue;
    out.push(
      defineCommand(name, async (args, ctx) => {
        if (name === 'ls' && !args.some((a) => /^-[^-]*[R1CxmiFs]|^--/.test(a))) return lsLong(args, ctx, gnu, owner);
        const links = name === 'find' && (await findLinks(args, ctx));
        if (links) return { ...links, stderr: rewrite(links.stderr, rule.stderr, true), exitCode: rule.exit?.[links.exitCode] ?? links.exitCode };
        const r = await ctx.origCommand!(name === 'ls' ? await lsOperands(args, ctx) : args);
        return {
          ...r,
          stdout: rewrite(r.stdout, rule.stdout, false),
          stderr: rewrite(r.stderr, rule.stderr, true),
          exitCode: rule.exit?.[r.exitCode] ?? r.exitCode,
        };
      }),
    );
  }
  if (!p.utilities.ls && !own.has('ls'))
    out.push(
      defineCommand('ls', async (args, ctx) =>
        !args.some((a) => /^-[^-]*[R1CxmiFs]|^--/.test(a)) ? lsLong(args, ctx, gnu, owner) : ctx.origCommand!(await lsOperands(args, ctx)),
      ),
    );
  if (!p.utilities.find && !own.has('find')) out.push(defineCommand('find', async (args, ctx) => (await findLinks(args, ctx)) || ctx.origCommand!(args)));
  return out;
}

/** what stops `find … -type l` from being the engine's find minus that test, then keeping the links it printed */
const FIND_NOT_PLAIN = new Set([
  '-o',
  '-or',
  '!',
  '-not',
  '(',
  ')',
  '-exec',
  '-execdir',
  '-ok',
  '-delete',
  '-print0',
  '-printf',
  '-fprint',
  '-ls',
  '-prune',
  '-L',
  '-follow',
]);

/**
 * `find DIR … -type l`: the engine's find knows only `-type f` and `-type d`, and a projected volume's key links
 * (`key -> ..data/key`) are what one looks for with it. A plain conjunction of tests runs without `-type l` and the
 * printed paths that are links stay; anything fancier is left to the engine.
 */
async function findLinks(args: string[], ctx: CommandContext): Promise<ExecResult | undefined> {
  const i = args.findIndex((a, k) => a === '-type' && args[k + 1] === 'l');
  if (i < 0 || args.some((a) => FIND_NOT_PLAIN.has(a))) return undefined;
  const r = await ctx.origCommand!([...args.slice(0, i), ...args.slice(i + 2)]);
  let stdout = '';
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const st = await ctx.fs.lstat(ctx.fs.resolvePath(ctx.cwd, line)).catch(() => undefined);
    if (st?.isSymbolicLink) stdout += line + '\n';
  }
  // a new result, not a copy of the engine's: that one carries the output accounting of the longer stdout
  return { stdout, stderr: r.stderr, exitCode: r.exitCode };
}

/** several plain-file operands are listed like `ls -d`: one per line, no blank lines between them */
async function lsOperands(args: string[], ctx: CommandContext): Promise<string[]> {
  const sorted = sortLsOperands(args);
  const ops = sorted.slice(sorted.indexOf('--') + 1);
  if (!sorted.includes('--') || ops.length < 2) return sorted;
  for (const o of ops) {
    try {
      if ((await ctx.fs.stat(ctx.fs.resolvePath(ctx.cwd, o))).isDirectory) return sorted;
    } catch {
      /* missing: ls reports it */
    }
  }
  return ['-d', ...sorted];
}

/** ls lists its file operands sorted (then directories), whatever order they were given in */
function sortLsOperands(args: string[]): string[] {
  const opts: string[] = [];
  const ops: string[] = [];
  let dd = false;
  for (const a of args) {
    if (!dd && a === '--') {
      dd = true;
      continue;
    }
    (!dd && a.startsWith('-') && a !== '-' ? opts : ops).push(a);
  }
  if (ops.length < 2 || opts.some((o) => /^-[^-]*[rStUf]/.test(o))) return args;
  return [...opts, '--', ...ops.sort()];
}
