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
}

/** A TypeScript stand-in for a binary in an image; resolves with the exit status. */
export type Program = (ctx: ProgramContext) => Promise<number>;

export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
}
