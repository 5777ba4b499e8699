import type { SimContainer } from './container';
import type { SimProcess } from './process';
import { programFor } from './programs';
import type { CommandResult, Launcher } from './programs/types';
import { HIDDEN_COMMANDS, shellUtilities } from './shell/command-names';
import { interactiveShell, type Terminal } from './shell/interactive';
import { runShell, shellQuote, type ShellSession } from './shell/run-shell';
import { scriptReadsStdin, scriptStreamsStdin } from './shell/script-stdin';
import { pipeInput, terminalInput, type LiveInput } from './shell/live-stdin';

const SHELLS = new Set(['sh', 'ash', 'bash', 'dash']);
/** image entrypoints that only `exec "$@"`; running their arguments directly is equivalent */
const PASSTHROUGH = new Set([
  '/docker-entrypoint.sh',
  'docker-entrypoint.sh',
  '/entrypoint.sh',
  '/usr/local/bin/docker-entrypoint.sh',
  'docker-php-entrypoint',
]);

/** The error for a binary the image does not have; callers format it as `OCI runtime exec failed: …`. */
export class ExecutableNotFoundError extends Error {
  readonly exitCode = 127;
  constructor(readonly binary: string) {
    super(`exec: "${binary}": executable file not found in $PATH`);
  }
}

export interface LaunchIO {
  stdin?: NodeJS.ReadableStream;
  stdinText?: string;
  terminal?: Terminal;
}

function hasShell(c: SimContainer): boolean {
  return c.image.image.base !== 'scratch';
}

/** what argv[0] refers to in this image, or undefined when it has no such executable */
export function resolveExecutable(c: SimContainer, argv0: string): 'shell' | 'program' | 'builtin' | undefined {
  const name = argv0.split('/').pop() ?? '';
  if (SHELLS.has(name)) return hasShell(c) && (name !== 'bash' || c.image.image.base === 'debian' || c.image.image.base === 'ubuntu') ? 'shell' : undefined;
  if (programFor(c, name)) return 'program';
  if (!hasShell(c)) return undefined;
  if (shellUtilities().has(name) && !HIDDEN_COMMANDS.includes(name)) return 'builtin';
  return undefined;
}

/** what an image's entrypoint script ends up exec-ing: it passes its arguments through, naming its program when they start with an option */
export function effectiveArgv(c: SimContainer, argvIn: string[]): string[] {
  let argv = argvIn;
  let viaEntrypoint = false;
  while (argv.length > 1 && PASSTHROUGH.has(argv[0])) {
    argv = argv.slice(1);
    viaEntrypoint = true;
  }
  const prog = c.image.image.optionArgsProgram;
  if (viaEntrypoint && prog && argv[0]?.startsWith('-')) argv = [prog, ...argv];
  return argv;
}

/** Runs argv as process `proc`: shells in just-bash, image programs in TypeScript, utilities via the shell. */
export async function runArgv(c: SimContainer, proc: SimProcess, argvIn: string[], io: LaunchIO): Promise<number> {
  const argv = effectiveArgv(c, argvIn);
  const name = (argv[0] ?? '').split('/').pop() ?? '';
  const kind = resolveExecutable(c, argv[0] ?? '');
  if (!kind) throw new ExecutableNotFoundError(argv[0] ?? '');
  const env = { ...c.env };
  const cwd = c.workingDir;
  if (kind === 'shell') {
    const ci = argv.findIndex((a, i) => i > 0 && /^-\w*c$/.test(a));
    if (ci > 0) return runScript(c, proc, argv[ci + 1] ?? '', io, { env, cwd, positional: argv.slice(ci + 3), argv0: name });
    const file = argv.slice(1).find((a) => !a.startsWith('-'));
    if (file) {
      let script: string;
      try {
        script = await c.fs.readFile(c.fs.resolvePath(cwd, file));
      } catch {
        proc.stderr(`${name}: can't open '${file}': No such file or directory\n`);
        return 2;
      }
      return runScript(c, proc, script, io, { env, cwd, positional: argv.slice(argv.indexOf(file) + 1), argv0: name });
    }
    if (io.stdin) return interactiveShell(c, proc, io.stdin, io.terminal ?? { tty: false }, name);
    // no stdin attached: sh reads EOF at once and exits 0, like a container whose stdin is closed
    return (await runShell(c, proc, io.stdinText ?? '', { env, cwd, argv0: name })).exitCode;
  }
  if (kind === 'program') {
    const stdin = io.stdinText ?? '';
    return programFor(c, name)!({
      argv: [name, ...argv.slice(1)],
      env,
      cwd,
      fs: c.fs,
      container: c,
      proc,
      out: (s) => proc.stdout(s),
      err: (s) => proc.stderr(s),
      stdin,
      signal: proc.signal,
      run: (a) => runCommandLine(c, a),
    });
  }
  // with a terminal (`kubectl exec -it POD -- top`) the keys reach the program as they are typed
  if (io.stdin && io.terminal?.tty) return runScript(c, proc, DIRECT + argv.map(shellQuote).join(' '), io, { env, cwd, argv0: name });
  const stdinText = io.stdin ? await readAll(io.stdin, proc.signal) : io.stdinText;
  return (await runShell(c, proc, DIRECT + argv.map(shellQuote).join(' '), { env, cwd, stdin: stdinText, argv0: name })).exitCode;
}

/**
 * Runs a script (`sh -c SCRIPT`, `sh FILE`, a utility on a terminal) with the input the caller attached
 * (`kubectl exec -i`, a pod's stdin). A script that never reads its input starts at once, even on a stdin that
 * stays open; one that reads it gets it as it arrives (line by line through a terminal's line editing), or, when
 * some reader's input cannot be followed (a reading function, `$(cat)`), all of it once the writer closes it.
 */
async function runScript(
  c: SimContainer,
  proc: SimProcess,
  script: string,
  io: LaunchIO,
  o: { env: Record<string, string>; cwd: string; positional?: string[]; argv0: string },
): Promise<number> {
  if (!io.stdin) return (await runShell(c, proc, script, { ...o, stdin: io.stdinText })).exitCode;
  const reads = scriptReadsStdin(script);
  if (!io.terminal?.tty) {
    if (!reads) return (await runShell(c, proc, script, o)).exitCode;
    const input = pipeInput(io.stdin, proc);
    if (scriptStreamsStdin(script)) return (await runShell(c, proc, script, { ...o, live: input })).exitCode;
    return (await runShell(c, proc, script, { ...o, stdin: await input.rest(proc.signal) })).exitCode;
  }
  const term = io.terminal;
  const session: ShellSession = { traps: new Map(), tty: true, rows: term.rows, cols: term.cols };
  const interrupt = new AbortController();
  const tty = terminalInput(io.stdin, proc, session, () => interrupt.abort());
  try {
    let input: { live?: LiveInput; stdin?: string } = reads ? { live: tty.input } : {};
    if (reads && !scriptStreamsStdin(script)) {
      input = { stdin: await tty.input.rest(interrupt.signal) };
      if (interrupt.signal.aborted) return 130;
    }
    return (await runShell(c, proc, script, { ...o, ...input, session, interrupt: interrupt.signal })).exitCode;
  } finally {
    tty.detach();
  }
}

/**
 * A utility run straight from argv (`kubectl run … -- env`) has no shell above it: the variables a shell exports
 * of its own (PWD, OLDPWD, SHLVL) are not in its environment.
 */
const DIRECT = 'export -n PWD OLDPWD SHLVL; ';

function readAll(s: NodeJS.ReadableStream, signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    s.on('data', (d: Buffer | string) => chunks.push(typeof d === 'string' ? Buffer.from(d) : d));
    s.on('end', done);
    s.on('error', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs a command to completion in a new process of the container and collects its output (exec probes, agnhost /shell). */
export async function runCommandLine(c: SimContainer, argv: string[], timeoutMs = 0): Promise<CommandResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const toBuf = (s: string | Uint8Array) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));
  const proc = c.spawn(
    argv,
    (s) => out.push(toBuf(s)),
    (s) => err.push(toBuf(s)),
  );
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          proc.terminate(137);
        }, timeoutMs)
      : undefined;
  try {
    const code = await runArgv(c, proc, argv, { stdinText: '' });
    proc.exited(code);
  } catch (e) {
    proc.exited(127);
    if (e instanceof ExecutableNotFoundError) err.push(Buffer.from(e.message + '\n'));
    else err.push(Buffer.from(String((e as Error)?.message ?? e) + '\n'));
  } finally {
    if (timer) clearTimeout(timer);
  }
  return { exitCode: proc.exitCode ?? 0, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut };
}

/** the container's Launcher: its programs and a way to run command lines, for its shells and programs */
export function launcherFor(c: SimContainer): Launcher {
  return { programs: c.programs, run: (argv, timeoutMs) => runCommandLine(c, argv, timeoutMs) };
}
