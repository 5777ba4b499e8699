// Pods: defaults, status reset on create, spec immutability, graceful deletion and the `kubectl get pods` table.
import type { KindStrategy } from '../../kind';
import { bumpGenerationOnSpecChange, setInitialGeneration } from './generation';
import { defaultPodOnly, defaultPodSpec, validateContainersOnlyForPod, validatePodSpec, validatePodSpecUpdate } from './pod-spec';
import { podTable } from './pod-table';
import { podQOSClass } from './qos';

export const pods: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'Pod',
    resource: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: {
      status: true,
      other: ['binding', 'eviction', 'exec', 'attach', 'log', 'portforward', 'proxy', 'ephemeralcontainers', 'resize'],
    },
  },
  defaults(obj) {
    obj.spec ??= {};
    defaultPodSpec(obj.spec);
    defaultPodOnly(obj.spec);
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending', qosClass: podQOSClass(obj.spec) };
    setInitialGeneration(obj);
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    bumpGenerationOnSpecChange(obj, old);
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
    obj.metadata.ownerReferences = old.metadata.ownerReferences;
    // The QoS class is fixed at creation; a status writer cannot change it.
    if (old.status?.qosClass) obj.status = { ...(obj.status ?? {}), qosClass: old.status.qosClass };
  },
  validate(obj) {
    // update runs this too, as upstream's validatePodMetadataAndSpec does for both
    return [...validatePodSpec(obj.spec, 'spec'), ...validateContainersOnlyForPod(obj.spec)];
  },
  validateUpdate(obj, old) {
    return validatePodSpecUpdate(obj.spec, old.spec);
  },
  checkGracefulDelete(pod, opts) {
    // unscheduled or finished pods go at once, as upstream's pod strategy decides
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    let g = opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (g < 0) g = 1;
    return g;
  },
  readyToDelete: (pod) => (pod.metadata.deletionGracePeriodSeconds ?? 0) === 0,
  table: podTable,
  fieldSelectors: {
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
    'status.phase': (o) => o.status?.phase ?? '',
    'status.podIP': (o) => o.status?.podIPs?.[0]?.ip ?? o.status?.podIP ?? '',
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName ?? '',
  },
  returnDeletedObject: true,
};
