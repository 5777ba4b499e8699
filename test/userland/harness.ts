import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerConfig, ContainerRuntime } from '../../electron/cluster/runtime/interface';
import type { Outcome } from './reference';

export interface CorpusEntry {
  section: string;
  line: number;
  cmd: string;
}

/** The corpus: one command per line, `## section` headers, ␤ for a newline inside a command. */
export function readCorpus(file = path.join(__dirname, 'corpus.txt')): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  let section = 'misc';
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      if (raw.startsWith('## ')) {
        section = raw.slice(3).trim();
        return;
      }
      if (!raw.trim() || raw.startsWith('#')) return;
      out.push({ section, line: i + 1, cmd: raw.replace(/␤/g, '\n') });
    });
  return out;
}

/**
 * runs `sh -c cmd` the way kubectl exec does, in a new container of the pod (so each command starts from the
 * image as built, like the reference's throwaway overlay), then removes that container
 */
export async function runSim(rt: ContainerRuntime, sandboxId: string, cfg: ContainerConfig, cmd: string): Promise<Outcome> {
  const id = await rt.createContainer(sandboxId, { ...cfg, attempt: seq++ });
  await rt.startContainer(id);
  try {
    const r = await rt.execSync(id, ['sh', '-c', cmd], 20);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  } finally {
    await rt.stopContainer(id, 0);
    await rt.removeContainer(id);
  }
}
let seq = 1;

export interface Comparison {
  entry: CorpusEntry;
  ref: Outcome;
  sim: Outcome;
  same: boolean;
}

export function compare(entry: CorpusEntry, ref: Outcome, sim: Outcome): Comparison {
  return { entry, ref, sim, same: ref.stdout === sim.stdout && ref.stderr === sim.stderr && ref.exitCode === sim.exitCode };
}

/** a table of identical/total per section and the first differences, as text */
export function report(image: string, results: Comparison[], maxDiffs = 40): string {
  const bySection = new Map<string, { same: number; total: number }>();
  for (const r of results) {
    const s = bySection.get(r.entry.section) ?? { same: 0, total: 0 };
    s.total++;
    if (r.same) s.same++;
    bySection.set(r.entry.section, s);
  }
  const same = results.filter((r) => r.same).length;
  const lines = [`== ${image}: ${same}/${results.length} identical (${pct(same, results.length)})`, 'section              identical  total   rate'];
  for (const [name, s] of bySection)
    lines.push(`${name.padEnd(20)} ${String(s.same).padStart(9)} ${String(s.total).padStart(6)} ${pct(s.same, s.total).padStart(6)}`);
  const diffs = results.filter((r) => !r.same).slice(0, maxDiffs);
  if (diffs.length) lines.push(`-- first ${diffs.length} differences (corpus line: command)`);
  for (const d of diffs) {
    lines.push(`#${d.entry.line}: ${JSON.stringify(d.entry.cmd)}`);
    for (const k of ['stdout', 'stderr', 'exitCode'] as const) {
      if (d.ref[k] !== d.sim[k]) lines.push(`   ${k}: real ${JSON.stringify(d.ref[k]).slice(0, 200)}  kubelab ${JSON.stringify(d.sim[k]).slice(0, 200)}`);
    }
  }
  return lines.join('\n');
}

export function rate(results: Comparison[]): number {
  return results.filter((r) => r.same).length / Math.max(1, results.length);
}
const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;

/** runs tasks with at most n at a time, keeping order */
export async function mapLimit<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
