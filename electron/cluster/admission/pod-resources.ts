// A pod's effective requests and limits (upstream's resourcehelper.PodRequests/PodLimits): regular containers and
// restartable (sidecar) init containers add up, a plain init container only needs to fit on its own, overhead on top.
import { addLists, maxLists, type ResourceList } from './resource-lists';

type Which = 'requests' | 'limits';

function podTotal(spec: any, which: Which): ResourceList {
  let regular: ResourceList = {};
  for (const c of spec?.containers ?? []) regular = addLists(regular, c.resources?.[which]);
  let sidecars: ResourceList = {};
  let initPeak: ResourceList = {};
  for (const c of spec?.initContainers ?? []) {
    const own: ResourceList = c.resources?.[which] ?? {};
    if (c.restartPolicy === 'Always') {
      sidecars = addLists(sidecars, own);
      initPeak = maxLists(initPeak, sidecars);
    } else {
      initPeak = maxLists(initPeak, addLists(sidecars, own));
    }
  }
  const total = maxLists(addLists(regular, sidecars), initPeak);
  if (!spec?.overhead) return total;
  // overhead raises limits only where the pod is limited at all
  const overhead: ResourceList =
    which === 'requests' ? spec.overhead : Object.fromEntries(Object.entries(spec.overhead as ResourceList).filter(([k]) => k in total));
  return addLists(total, overhead);
}

export const podRequests = (spec: any): ResourceList => podTotal(spec, 'requests');
export const podLimits = (spec: any): ResourceList => podTotal(spec, 'limits');
