// Turns a failed object assertion into a sentence a learner understands ("Deployment web has 2/3 ready replicas").
import { describeMismatch, type Mismatch } from './assert-tree';

export function summarize(kind: string, obj: any, mismatches: Mismatch[]): string {
  const name = obj?.metadata?.name ?? '';
  const what = `${kind} ${name}`.trim();
  const paths = new Set(mismatches.map((m) => m.path));
  const s = obj?.spec ?? {},
    st = obj?.status ?? {};
  const friendly: string[] = [];
  if (['status.readyReplicas', 'status.availableReplicas', 'status.updatedReplicas'].some((p) => paths.has(p))) {
    const want = mismatches.find((m) => m.path.startsWith('status.') && m.path.endsWith('Replicas'))?.expected ?? s.replicas;
    friendly.push(`${what} has ${st.readyReplicas ?? 0}/${want ?? s.replicas ?? '?'} ready replicas`);
  }
  if (paths.has('status.succeeded'))
    friendly.push(`${what} has ${st.succeeded ?? 0}/${s.completions ?? mismatches.find((m) => m.path === 'status.succeeded')?.expected} completions`);
  if (paths.has('status.numberReady')) friendly.push(`${what} has ${st.numberReady ?? 0}/${st.desiredNumberScheduled ?? '?'} pods ready`);
  if (paths.has('status.phase')) {
    const m = mismatches.find((x) => x.path === 'status.phase')!;
    friendly.push(`${what} is ${st.phase ?? 'not started'}, expected ${String(m.expected)}`);
  }
  const rest = mismatches.filter(
    (m) =>
      !['status.readyReplicas', 'status.availableReplicas', 'status.updatedReplicas', 'status.succeeded', 'status.numberReady', 'status.phase'].includes(
        m.path,
      ),
  );
  const details = rest.slice(0, 3).map(describeMismatch);
  if (rest.length > 3) details.push(`and ${rest.length - 3} more difference(s)`);
  if (!friendly.length) return `${what}: ${details.join('; ')}`;
  return details.length ? `${friendly.join('; ')}; ${details.join('; ')}` : friendly.join('; ');
}
