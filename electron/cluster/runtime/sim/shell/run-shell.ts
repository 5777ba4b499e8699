import { Bash, decodeBytesToUtf8, defineCommand, getCommandNames, type Command, type CommandName, type ExecResult } from 'just-bash';
import type { SimContainer } from '../container';
import { SIGNAL_NUMBERS, type SignalName, type SimProcess } from '../process';
import { containerCommands, topText, type Job, type ShellHost } from './commands';
import { fullscreenCommands } from './fullscreen';
import { shellQuote } from './quote';
import { streamingPlugin } from './stream-transform';
import { liveStdinPlugin, stdinDrainPlugin } from './script-stdin';
import type { LiveInput } from './live-stdin';
import { engineFixesPlugin } from './engine-fixes';
import { envCommand } from './env-command';
import { dialectBuiltins } from './dialect-builtins';

export { shellQuote };
import { extraCommands } from './extra-commands';
import { DROP_LINE, profileFor, type UserlandProfile } from './profiles';
import { textUtilities } from './text-utilities';
import { patternUtilities } from './pattern-utilities';
import { utilityWrappers } from './utility-wrappers';
import { FATAL_MARK, shellDialect, type ShellDialect } from './dialects';
import { ABSENT_BUILTIN, DASH_ECHO, dashEcho, dialectPlugin, literalDollarQuotes, TYPE_COMMAND } from './dialect-transform';

export interface ShellRun {
  exitCode: number;
  env: Record<string, string>;
  cwd: string;
  /** the script ended the shell itself (`exit`, errexit) instead of running to its end: asked with `o.untilExit` */
  shellExited?: boolean;
}

/** appended to a script an interactive shell runs, to learn whether `exit` ended it before its last line */
const END_MARKER = '__kubelab_end_of_input';

const UNLIMITED = { maxCommandCount: Infinity, maxLoopIterations: Infinity, maxExecutionTimeMs: Infinity, maxOutputSize: 256 * 1024 * 1024, maxCallDepth: 200 };
const TRAPPABLE: SignalName[] = ['TERM', 'INT', 'HUP', 'QUIT', 'USR1', 'USR2'];

/** Per-process shell state that outlives one script (traps, terminal). */
export interface ShellSession {
  traps: Map<string, string>;
  jobs?: Job[];
  tty?: boolean;
  rows?: number;
  cols?: number;
  /** set while a full-screen program runs: the terminal's keystrokes go to it */
  keys?: (text: string) => void;
  /** gives keys a full-screen program did not read back to the line editor */
  unread?: (text: string) => void;
}

/**
 * Runs a script in just-bash as process `proc` of container `c`. Output streams to the process while the script
 * runs; signals run `trap` handlers or end the script; `interrupt` (Ctrl-C in a terminal) aborts only this script.
 */
export async function runShell(
  c: SimContainer,
  proc: SimProcess,
  script: string,
  o: {
    env: Record<string, string>;
    cwd: string;
    stdin?: string;
    /** input that streams in while the script runs (see scriptStreamsStdin), instead of `stdin` */
    live?: LiveInput;
    positional?: string[];
    session?: ShellSession;
    interrupt?: AbortSignal;
    argv0?: string;
    untilExit?: boolean;
  },
): Promise<ShellRun> {
  const session: ShellSession = o.session ?? { traps: new Map() };
  const runCtl = new AbortController();
  const stop = () => runCtl.abort();
  proc.signal.addEventListener('abort', stop);
  o.interrupt?.addEventListener('abort', stop);
  let pendingSignal: SignalName | undefined;
  for (const sig of TRAPPABLE) {
    proc.handle(sig, (s) => {
      if (session.traps.has(s)) {
        pendingSignal = s;
        runCtl.abort();
      }
      // a shell that is PID 1 has no default action for signals it does not trap… but the course expects
      // `kubectl delete` to stop plain shells promptly, so untrapped signals terminate, as for any other PID
      else proc.terminate(128 + SIGNAL_NUMBERS[s]);
    });
  }
  const argv0 = o.argv0 ?? 'sh';
  const startJob = (script: string, env: Record<string, string>, cwd: string) => {
    const child = c.spawn(
      [argv0, '-c', script],
      (b) => proc.stdout(b),
      (b) => proc.stderr(b),
    );
    runShell(c, child, script, { env, cwd, argv0 }).then(
      (r) => child.exited(r.exitCode),
      (e) => {
        proc.stderr(`${argv0}: ${String(e?.message ?? e)}\n`);
        child.exited(2);
      },
    );
    return child;
  };
  session.jobs ??= [];
  const profile = profileFor(c.image.image);
  const dialect = shellDialect(argv0, profile);
  const host: ShellHost & ShellSession = Object.assign(session, {
    container: c,
    proc,
    run: runCtl.signal,
    cwd: o.cwd,
    jobs: session.jobs,
    startJob,
    dialect: dialect.name,
  });
  const bash = new Bash({
    fs: c.fs,
    cwd: o.cwd,
    env: o.env,
    customCommands: imageCommands(host, profile),
    commands: bundledCommands(profile),
    executionLimits: UNLIMITED,
    processInfo: { pid: proc.pid, ppid: proc.pid === 1 ? 0 : 1, uid: c.id.uid, gid: c.id.gid },
  });
  bash.registerTransformPlugin(engineFixesPlugin());
  bash.registerTransformPlugin(dialectPlugin(dialect, argv0));
  if (o.stdin) bash.registerTransformPlugin(stdinDrainPlugin());
  const offIn: (() => void)[] = [];
  if (o.live) {
    const live = o.live;
    const [line, rest] = [`/proc/${proc.pid}/fd/0.line`, `/proc/${proc.pid}/fd/0`];
    offIn.push(
      c.fs.addSource(line, () => live.line(runCtl.signal)),
      c.fs.addSource(rest, () => live.rest(runCtl.signal)),
    );
    bash.registerTransformPlugin(liveStdinPlugin(line, rest));
  }
  bash.registerTransformPlugin(streamingPlugin(proc.pid));
  // a POSIX shell ends a script on an error of its own (a special builtin's, an expansion's) with status 2
  let fatal = false;
  const onFatal = () => {
    fatal = true;
    runCtl.abort();
  };
  // the shell's own messages keep its wording when the script sent them to stdout (`2>&1`)
  const offOut = c.fs.addSink(`/proc/${proc.pid}/fd/1`, (b) =>
    proc.stdout(dialect.name !== 'bash' && hasEngineMessage(b) ? tidyDiagnostics(Buffer.from(b).toString('utf8'), dialect, argv0) : b),
  );
  const offErr = c.fs.addSink(`/proc/${proc.pid}/fd/2`, (b) => proc.stderr(tidyDiagnostics(Buffer.from(b).toString('utf8'), dialect, argv0, onFatal)));
  // what the process inherited is exported (the engine takes a given environment as plain shell variables)
  const exported = Object.keys(o.env).filter((k) => /^[A-Za-z_]\w*$/.test(k));
  const positional =
    (exported.length ? `export ${exported.join(' ')}\n` : '') +
    dialect.prelude +
    (o.positional?.length ? `set -- ${o.positional.map(shellQuote).join(' ')}\n` : '');
  // ash and dash start with OLDPWD at the starting directory (`cd -` stays there), bash with it unset
  const env = { ...(dialect.name === 'bash' ? {} : { OLDPWD: o.cwd }), ...o.env, 0: o.argv0 ?? 'sh' };
  try {
    const text = dialect.name === 'dash' ? literalDollarQuotes(script) : script;
    let r = await execSafely(bash, positional + text + (o.untilExit ? `\n${END_MARKER}=$?` : ''), {
      env,
      cwd: o.cwd,
      stdin: o.stdin,
      signal: runCtl.signal,
      argv0: o.argv0 ?? 'sh',
    });
    flush(proc, r, runCtl.signal.aborted, dialect, argv0, onFatal);
    let exitCode = r.exitCode;
    // an assignment, not a command: it needs no binary in the image and leaves `$?` to be read back
    const reachedEnd = r.env?.[END_MARKER];
    if (reachedEnd !== undefined) exitCode = Number(reachedEnd);
    if (pendingSignal && !proc.signal.aborted) {
      const handler = session.traps.get(pendingSignal)!;
      r = await execSafely(bash, handler, { env: r.env ?? o.env, cwd: r.env?.PWD ?? o.cwd, signal: proc.signal, argv0: o.argv0 ?? 'sh' });
      flush(proc, r, false, dialect, argv0);
      exitCode = r.exitCode;
    } else if (fatal && !proc.signal.aborted) exitCode = 2;
    else if (runCtl.signal.aborted && !proc.signal.aborted) exitCode = 130;
    if (session.traps.has('EXIT') && !proc.signal.aborted)
      flush(proc, await execSafely(bash, session.traps.get('EXIT')!, { env: r.env ?? o.env, cwd: o.cwd, signal: proc.signal, argv0 }), false, dialect, argv0);
    const { 0: _argv0, [END_MARKER]: _end, ...after } = r.env ?? o.env;
    return { exitCode, env: after, cwd: r.env?.PWD ?? o.cwd, ...(o.untilExit ? { shellExited: reachedEnd === undefined && !runCtl.signal.aborted } : {}) };
  } finally {
    offOut();
    offErr();
    offIn.forEach((off) => off());
    proc.signal.removeEventListener('abort', stop);
    o.interrupt?.removeEventListener('abort', stop);
    for (const sig of TRAPPABLE) proc.handle(sig, undefined);
  }
}

interface Result {
  stdout: string;
  stderr: string;
  exitCode: number;
  env?: Record<string, string>;
  stdoutKind?: string;
}

async function execSafely(
  bash: Bash,
  script: string,
  o: { env: Record<string, string>; cwd: string; stdin?: string; signal: AbortSignal; argv0: string },
): Promise<Result> {
  try {
    const r = await bash.exec(script, { env: o.env, replaceEnv: true, cwd: o.cwd, stdin: o.stdin, signal: o.signal, rawScript: true });
    return { ...r, stderr: r.stderr.replace(/^bash: /gm, `${o.argv0}: `) };
  } catch (e: any) {
    // a redirection the filesystem refused (read-only, outside a mount) ends the script like a failed open
    const m = /^(\w+): [^,]*, \w+ '([^']*)'/.exec(String(e?.message ?? ''));
    const why =
      m?.[1] === 'EROFS'
        ? 'Read-only file system'
        : m?.[1] === 'EACCES'
          ? 'Permission denied'
          : m?.[1] === 'ENOENT'
            ? 'nonexistent directory'
            : String(e?.message ?? e);
    return { stdout: '', stderr: `${o.argv0}: can't create ${m?.[2] ?? ''}: ${why}\n`, exitCode: m ? 1 : 2 };
  }
}

function flush(proc: SimProcess, r: Result, aborted: boolean, dialect: ShellDialect, argv0: string, onFatal?: () => void): void {
  if (r.stdout) proc.stdout(Buffer.from(r.stdout, r.stdoutKind === 'bytes' ? 'latin1' : 'utf8'));
  const err = aborted ? r.stderr.replace(/^\w+: execution aborted\n?/m, '') : r.stderr;
  if (err) proc.stderr(tidyDiagnostics(err, dialect, argv0, onFatal));
}

const ENGINE_PREFIX = Buffer.from('bash: ');
/** output holding a line the engine's shell printed about itself (`bash: …`) */
function hasEngineMessage(b: Uint8Array | string): boolean {
  const buf = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b);
  const i = buf.indexOf(ENGINE_PREFIX);
  return i === 0 || (i > 0 && buf[i - 1] === 10);
}

const ERRNO_TEXT: Record<string, string> = {
  EROFS: 'Read-only file system',
  EACCES: 'Permission denied',
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};

/**
 * our filesystem's Node-style errors ("EROFS: read-only file system, rm '<path>'") read as the C library's strerror
 * text, and the shell's own diagnostics as the image's shell words them
 */
export function tidyDiagnostics(text: string, dialect: ShellDialect, argv0: string, onFatal?: () => void): string {
  if (dialect.fatal.length && text.split('\n').some((l) => l.includes(FATAL_MARK) || dialect.fatal.some((re) => re.test(l)))) onFatal?.();
  const t = text
    .replaceAll(FATAL_MARK, '')
    .replace(/\b(EROFS|EACCES|ENOENT|EISDIR|ENOTDIR): [^,\n]*, \w+ '[^'\n]*'/g, (_m, code: string) => ERRNO_TEXT[code])
    .replace(/^bash: /gm, `${argv0}: `)
    // the engine's note that a command was cut short (timeout, a signal): real shells print nothing
    .replace(/^\w+: execution aborted\n?/gm, '');
  if (!dialect.messages.length) return t;
  // only the shell's own lines (`sh: …`): a utility's "No such file or directory" keeps its wording; xtrace
  // (`set -x`) names our stand-ins by the builtins they replace
  return t
    .split('\n')
    .map((l) => (l.startsWith(`${argv0}: `) ? dialect.messages.reduce((x, [re, to]) => x.replace(re, to), l) : l.replace(/^(\++ )__kubelab_echo\b/, '$1echo')))
    .filter((l) => l !== DROP_LINE && !l.includes(`${END_MARKER}=`))
    .join('\n');
}

/** our commands, the image's extra utilities and the engine's utilities worded as the image's, minus what the image lacks */
function imageCommands(host: ShellHost & ShellSession, profile: UserlandProfile): Command[] {
  const absent = new Set(profile.absent);
  const own = containerCommands(host).filter((x) => !absent.has(x.name));
  const extra = extraCommands(host.container, profile).filter((x) => !absent.has(x.name));
  const shells = childShells(host, profile).filter((x) => !absent.has(x.name));
  shells.push(
    defineCommand(DASH_ECHO, async (args) => ({ stdout: dashEcho(args), stderr: '', exitCode: 0 })),
    ...dialectBuiltins(host.container),
    // the shell's own "not found", worded by the dialect's rules like any other missing command
    defineCommand(ABSENT_BUILTIN, async (args) => ({ stdout: '', stderr: `bash: ${args[0]}: command not found\n`, exitCode: 127 })),
    typeCommand(host, profile),
  );
  shells.push(envCommand(), ...fullscreenCommands(host, profile, () => topText(host.container)).filter((x) => !absent.has(x.name)));
  const text = [...textUtilities(profile), ...patternUtilities(profile)].filter((x) => !absent.has(x.name));
  const names = new Set([...own, ...extra, ...shells, ...text].map((x) => x.name));
  return [
    ...own,
    ...extra,
    ...shells,
    ...text,
    ...utilityWrappers(profile, names, host.container.id.uid === 0 ? 'root' : (host.container.id.userName ?? String(host.container.id.uid))),
  ];
}

const SHELL_BUILTINS = new Set([
  'cd',
  'echo',
  'printf',
  'test',
  '[',
  'true',
  'false',
  'pwd',
  'read',
  'export',
  'unset',
  'set',
  'shift',
  'exit',
  'return',
  'break',
  'continue',
  'eval',
  'exec',
  'trap',
  'wait',
  'kill',
  'type',
  'command',
  'alias',
  'unalias',
  'umask',
  'ulimit',
  'getopts',
  'hash',
  'jobs',
  'times',
  'readonly',
  'local',
  ':',
  '.',
  'let',
]);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in', '{', '}', '!']);

/** `type NAME` and `command -v/-V NAME`: builtins, keywords, then the image's utilities on PATH */
function typeCommand(host: ShellHost, profile: UserlandProfile): Command {
  const bare = profile.commandVBare;
  return defineCommand(TYPE_COMMAND, async (args, ctx) => {
    const [how, ...rest] = args;
    const verbose = how === 'type' || rest[0] === '-V';
    const names = how === 'type' ? rest : rest.slice(1);
    let out = '';
    let status = 0;
    for (const n of names) {
      let path: string | undefined;
      if (!SHELL_BUILTINS.has(n) && !KEYWORDS.has(n)) {
        for (const dir of (ctx.env.get('PATH') ?? '').split(':')) {
          if (await host.container.fs.exists(`${dir}/${n}`).catch(() => false)) {
            path = `${dir}/${n}`;
            break;
          }
        }
        if (path && profile.family === 'debian') path = path.replace(/^\/(s?bin)\//, '/usr/$1/');
      }
      // busybox ash runs its applets as builtins and names them by their bare name
      const applet = bare && path !== undefined;
      if (KEYWORDS.has(n)) out += verbose ? `${n} is a shell keyword\n` : `${n}\n`;
      else if (SHELL_BUILTINS.has(n)) out += verbose ? `${n} is a shell builtin\n` : `${n}\n`;
      else if (path) out += verbose ? `${n} is ${applet ? n : path}\n` : `${applet ? n : path}\n`;
      else {
        status = 127;
        if (verbose) out += `${n}: not found\n`;
      }
    }
    return { stdout: out, stderr: '', exitCode: status };
  });
}

/**
 * `sh -c …` inside a script is a new process of the container (its own PID, traps and dialect), as a real shell
 * forks one; its output returns to the calling command line, and a death by signal is reported like a shell does.
 */
function childShells(host: ShellHost, profile: UserlandProfile): Command[] {
  const c = host.container;
  const names = profile.family === 'busybox' ? ['sh', 'ash'] : ['sh', 'dash', 'bash'];
  return names.map((name) =>
    defineCommand(name, async (args, ctx) => {
      const ci = args.findIndex((a) => /^-\w*c$/.test(a));
      let script: string;
      let positional: string[];
      let stdin: string | undefined = decodeBytesToUtf8(ctx.stdin);
      if (ci >= 0) {
        script = args[ci + 1] ?? '';
        positional = args.slice(ci + 3);
      } else {
        const file = args.find((a) => !a.startsWith('-'));
        if (file) {
          try {
            script = await c.fs.readFile(c.fs.resolvePath(ctx.cwd, file));
          } catch {
            return { stdout: '', stderr: `${name}: can't open '${file}': No such file or directory\n`, exitCode: 2 };
          }
          positional = args.slice(args.indexOf(file) + 1);
        } else {
          script = stdin ?? '';
          stdin = undefined;
          positional = [];
        }
      }
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const child = c.spawn(
        [name, ...args],
        (b) => out.push(Buffer.from(b as any)),
        (b) => err.push(Buffer.from(b as any)),
      );
      const stopChild = () => child.terminate(130);
      ctx.signal?.addEventListener('abort', stopChild, { once: true });
      try {
        const env: Record<string, string> = Object.fromEntries(ctx.env);
        // a shell started without PATH (env -i) uses its compiled-in default
        env.PATH ??= profile.family === 'busybox' ? '/sbin:/usr/sbin:/bin:/usr/bin' : '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
        const r = await runShell(c, child, script, { env, cwd: ctx.cwd, stdin, positional, argv0: name });
        child.exited(r.exitCode);
      } catch (e) {
        err.push(Buffer.from(`${name}: ${String((e as Error)?.message ?? e)}\n`));
        child.exited(2);
      } finally {
        ctx.signal?.removeEventListener('abort', stopChild);
      }
      const code = child.exitCode ?? 0;
      const note = code === 137 ? 'Killed\n' : code === 143 ? 'Terminated\n' : '';
      return {
        stdout: Buffer.concat(out).toString('latin1'),
        stderr: Buffer.concat(err).toString('utf8') + note,
        exitCode: code,
        stdoutKind: 'bytes',
      } as ExecResult;
    }),
  );
}

const bundledCache = new Map<UserlandProfile, CommandName[]>();
function bundledCommands(profile: UserlandProfile): CommandName[] {
  let hit = bundledCache.get(profile);
  if (!hit) {
    const absent = new Set(profile.absent);
    hit = getCommandNames().filter((n) => !absent.has(n)) as CommandName[];
    bundledCache.set(profile, hit);
  }
  return hit;
}
