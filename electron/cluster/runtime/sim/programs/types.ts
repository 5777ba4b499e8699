import type { IFileSystem } from 'just-bash';
import type { SimContainer } from '../container';
import type { SimProcess } from '../process';

export interface ProgramContext {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  fs: IFileSystem;
  container: SimContainer;
  proc: SimProcess;
  out(s: string | Uint8Array): void;
  err(s: string | Uint8Array): void;
  stdin: string;
  /** aborted when the program must stop */
  signal: AbortSignal;
  /** runs a command line to completion as a new process of the container (agnhost's /shell, busybox's applets) */
  run(argv: string[]): Promise<CommandResult>;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** programs by the name they are run as */
export type ProgramTable = Record<string, Program>;

/**
 * How a container's shell and programs start other executables. The container builds it (launch.ts's
 * launcherFor), so that neither programs nor the shell import the launcher that imports them.
 */
export interface Launcher {
  /** the programs this container's image has on its PATH */
  programs: ProgramTable;
  run(argv: string[], timeoutMs?: number): Promise<CommandResult>;
}

/** A TypeScript stand-in for a binary in an image; resolves with the exit status. */
export type Program = (ctx: ProgramContext) => Promise<number>;

export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
}
