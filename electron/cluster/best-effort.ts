// Work whose failure must not stop the caller (a status write, a clean-up, a stop of a container already gone) is
// still reported: every such failure goes to the component's log, so the node view or the cluster log shows why
// something did not happen instead of nothing at all.

/** how a component logs one line (the kubelet's node log, a controller's, the cluster process's stderr) */
export type LogLine = (line: string) => void;

export interface BestEffortOptions {
  /** failures that are the normal outcome (a 404 from a get that may find nothing): not logged */
  expected?: (err: unknown) => boolean;
}

/**
 * Awaits `work` and returns its value, or undefined when it fails; a failure is logged as "<what>: <message>"
 * unless `opts.expected` says it is the normal outcome.
 */
export async function bestEffort<T>(work: Promise<T> | (() => Promise<T>), what: string, log: LogLine, opts: BestEffortOptions = {}): Promise<T | undefined> {
  try {
    return await (typeof work === 'function' ? work() : work);
  } catch (err) {
    if (!opts.expected?.(err)) log(`${what}: ${errorMessage(err)}`);
    return undefined;
  }
}

/** bestEffort for synchronous work */
export function bestEffortSync<T>(work: () => T, what: string, log: LogLine, opts: BestEffortOptions = {}): T | undefined {
  try {
    return work();
  } catch (err) {
    if (!opts.expected?.(err)) log(`${what}: ${errorMessage(err)}`);
    return undefined;
  }
}

/** a component's logger bound once: `const tryTo = bestEffortWith(log); await tryTo(p, 'writing status')` */
export function bestEffortWith(log: LogLine) {
  return <T>(work: Promise<T> | (() => Promise<T>), what: string, opts?: BestEffortOptions) => bestEffort(work, what, log, opts);
}

/** the stderr logger of components without a log of their own (the API server's internal writes) */
export const stderrLog: LogLine = (line) => {
  process.stderr.write(`${line}\n`);
};

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** a component's stderr log, each line prefixed with its name as kube-controller-manager's controllers log */
export function componentLog(name: string): LogLine {
  return (line) => stderrLog(`${name}: ${line}`);
}
