// `exec … expect: {recorded: {configMap, key}}`: what the student wrote down must be what the grader itself reads
// from the pod now. This replaces "any two different strings" checks, which a student passes by typing "a" and "b".
import type { KubeClient } from './kube-client';

export interface RecordedRef {
  configMap: string;
  key: string;
  namespace?: string;
}

export async function compareRecorded(
  kube: KubeClient,
  defaultNs: string,
  ref: RecordedRef,
  observed: string,
  what: string,
): Promise<{ ok: boolean; message: string }> {
  const ns = ref.namespace ?? defaultNs;
  const cm = await kube.get('v1', 'ConfigMap', ref.configMap, ns);
  if (!cm) return { ok: false, message: `ConfigMap ${ref.configMap} not found in namespace ${ns}` };
  const written = cm.data?.[ref.key] as string | undefined;
  if (written === undefined) return { ok: false, message: `ConfigMap ${ref.configMap} has no key ${ref.key}` };
  const want = observed.trim();
  return written.trim() === want
    ? { ok: true, message: `ConfigMap ${ref.configMap} records ${ref.key} = "${want}", as ${what} prints` }
    : { ok: false, message: `ConfigMap ${ref.configMap} records ${ref.key} = "${written.trim()}", but ${what} prints "${want}"` };
}
