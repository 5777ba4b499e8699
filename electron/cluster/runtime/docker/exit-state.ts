// Docker learns of an OOM kill from a separate containerd event that can be handled after the exit event, so an
// inspect right after `wait` may still say OOMKilled=false for a container the kernel killed (seen with cgroups v1
// and v2; hashicorp/nomad#13119 tracks the same race). A SIGKILL exit (137) of a memory-limited container is
// therefore asked again briefly before it is recorded as a plain Error.
export interface ExitState {
  ExitCode: number;
  OOMKilled: boolean;
  FinishedAt?: string;
}

export interface SettleOptions {
  memoryLimited: boolean;
  /** how long to keep asking when the exit looks like an unreported OOM kill */
  windowMs?: number;
  intervalMs?: number;
}

const SIGKILL_EXIT = 137;

export function mayBeUnreportedOom(s: ExitState, memoryLimited: boolean): boolean {
  return memoryLimited && s.ExitCode === SIGKILL_EXIT && !s.OOMKilled;
}

export async function settleExitState(inspect: () => Promise<ExitState>, o: SettleOptions): Promise<ExitState> {
  let s = await inspect();
  const deadline = Date.now() + (o.windowMs ?? 1500);
  while (mayBeUnreportedOom(s, o.memoryLimited) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 100));
    s = await inspect();
  }
  return s;
}
