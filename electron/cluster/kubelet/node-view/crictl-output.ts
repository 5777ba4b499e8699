// crictl's -o json|yaml: the CRI's list responses as protojson prints them (proto field order, camelCase names,
// int64 as strings, enums by name, default values included, unset messages left out), and YAML as
// sigs.k8s.io/yaml converts that JSON (keys sorted, sequences not indented).
import YAML from 'yaml';
import type { ContainerStatus, ImageInfo, SandboxStatus } from '../../runtime/interface';
import type { PodState } from '../pod-state';
import type { Container } from 'kubernetes-types/core/v1';

export type OutputFormat = 'json' | 'yaml' | 'table';

/** the -o value of a list command: json, yaml or table (the default); anything else is crictl's error */
export function outputFormat(given: string | undefined): OutputFormat | { error: string } {
  if (!given || given === 'table') return 'table';
  if (given === 'json' || given === 'yaml') return given;
  return { error: `unsupported output format "${given}"` };
}

/** fmt.Println of the marshalled message (the YAML already ends in a newline, so a blank line follows it) */
export function printMessage(msg: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(msg, null, 2) + '\n' : YAML.stringify(msg, { sortMapEntries: true, indentSeq: false }) + '\n';
}

const nanos = (ms: number) => `${Math.round(ms)}000000`;

/** the labels the kubelet puts on a sandbox; containers add their own name */
export function podLabels(st: PodState | undefined): Record<string, string> {
  const md = st?.pod.metadata;
  if (!md) return {};
  return { ...(md.labels ?? {}), 'io.kubernetes.pod.name': md.name!, 'io.kubernetes.pod.namespace': md.namespace!, 'io.kubernetes.pod.uid': md.uid! };
}

/** runtime.v1.Container */
export function containerMessage(c: ContainerStatus, st: PodState | undefined, imageId: string): Record<string, unknown> {
  const spec = st?.pod.spec?.containers?.find((x: Container) => x.name === c.name) ?? st?.pod.spec?.initContainers?.find((x: Container) => x.name === c.name);
  const annotations: Record<string, string> = st
    ? {
        'io.kubernetes.container.restartCount': String(c.attempt),
        'io.kubernetes.container.terminationMessagePath': spec?.terminationMessagePath ?? '/dev/termination-log',
        'io.kubernetes.container.terminationMessagePolicy': spec?.terminationMessagePolicy ?? 'File',
        'io.kubernetes.pod.terminationGracePeriod': String(st.pod.spec?.terminationGracePeriodSeconds ?? 30),
      }
    : {};
  return {
    id: c.id,
    podSandboxId: c.sandboxId,
    metadata: { name: c.name, attempt: c.attempt },
    image: { image: imageId, annotations: {}, userSpecifiedImage: c.image, runtimeHandler: '' },
    imageRef: imageId,
    state: `CONTAINER_${c.state.toUpperCase()}`,
    createdAt: nanos(c.createdAt),
    labels: st ? { ...podLabels(st), 'io.kubernetes.container.name': c.name } : {},
    annotations,
    imageId,
  };
}

/** runtime.v1.PodSandbox */
export function sandboxMessage(s: SandboxStatus, st: PodState | undefined): Record<string, unknown> {
  const md = st?.pod.metadata;
  return {
    id: s.id,
    metadata: { name: md?.name ?? '', uid: md?.uid ?? '', namespace: md?.namespace ?? '', attempt: 0 },
    state: s.state === 'ready' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
    createdAt: nanos(s.createdAt),
    labels: podLabels(st),
    annotations: md ? { ...(md.annotations ?? {}), 'kubernetes.io/config.source': 'api' } : {},
    // the kubelet asks for the default handler with an empty name
    runtimeHandler: s.handler === 'runc' || !s.handler ? '' : s.handler,
  };
}

/** runtime.v1.Image; the sandbox (pause) image is pinned, as containerd pins it */
export function imageMessage(i: ImageInfo): Record<string, unknown> {
  const name = i.ref.replace(/:[^:/]+$/, '');
  return {
    id: i.id,
    repoTags: [i.ref],
    repoDigests: !i.digest ? [] : i.digest.includes('@') ? [i.digest] : [`${name}@${i.digest}`],
    size: String(i.sizeBytes),
    username: '',
    pinned: /\/pause:/.test(i.ref),
  };
}
