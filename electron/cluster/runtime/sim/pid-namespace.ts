import type { SimProcess } from './process';

/** who owns a process: the container whose cgroup, identity and environment it has */
export interface ProcessOwner {
  readonly env: Record<string, string>;
}

interface Entry {
  proc: SimProcess;
  owner?: ProcessOwner;
}

/**
 * A PID namespace. Each container has its own unless the pod sets shareProcessNamespace (one namespace for the pod,
 * with the pause process as PID 1) or it is an ephemeral container started with a target (`kubectl debug --target`),
 * which joins its target's namespace — so `ps` there shows the other containers' processes, as on a real node.
 */
export class PidNamespace {
  private nextPid = 1;
  private readonly entries = new Map<number, Entry>();

  allocate(): number {
    return this.nextPid++;
  }

  add(proc: SimProcess, owner?: ProcessOwner): void {
    this.entries.set(proc.pid, { proc, owner });
    void proc.wait().then(() => {
      if (this.entries.get(proc.pid)?.proc === proc) this.entries.delete(proc.pid);
    });
  }

  get(pid: number): SimProcess | undefined {
    return this.entries.get(pid)?.proc;
  }
  ownerOf(pid: number): ProcessOwner | undefined {
    return this.entries.get(pid)?.owner;
  }

  /** live processes in PID order */
  list(): SimProcess[] {
    return [...this.entries.values()].map((e) => e.proc).sort((a, b) => a.pid - b.pid);
  }

  get size(): number {
    return this.entries.size;
  }
}
