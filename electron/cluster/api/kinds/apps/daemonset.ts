// apps/v1 DaemonSet.
import type { FieldError } from '../../errors';
import { notSupported } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { defaultPodTemplateSpec } from '../core/pod-spec';
import {
  age,
  ageCol,
  col,
  containerCells,
  containersCol,
  imagesCol,
  keepSpec,
  keepStatusBumpGeneration,
  nameCol,
  nonNegative,
  resetStatusAndGeneration,
  wide,
} from '../strategy-helpers';
import { formatLabelSelector, formatLabels } from '../../selectors';
import { selectorImmutable, validateRollingParams, validateTemplateForController, validateWorkloadSelector } from './workload-validation';

export function defaultDaemonSet(obj: KObject): void {
  const spec = (obj.spec ??= {});
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

function validateDaemonSet(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [
    ...validateWorkloadSelector(spec.selector, 'spec.selector', 'daemonset'),
    ...validateTemplateForController(spec.template, spec.selector, 'spec.template', 'DaemonSet'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ];
  const us = spec.updateStrategy ?? {};
  if (us.type === 'RollingUpdate') errs.push(...validateRollingParams(us.rollingUpdate, 'spec.updateStrategy.rollingUpdate'));
  else if (us.type !== 'OnDelete') errs.push(notSupported('spec.updateStrategy.type', us.type ?? '', ['OnDelete', 'RollingUpdate']));
  return errs;
}

export const daemonSetStrategy: KindStrategy = {
  info: {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    resource: 'daemonsets',
    singular: 'daemonset',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    storagePrefix: 'daemonsets',
    subresources: { status: true },
  },
  defaults: defaultDaemonSet,
  prepareForCreate: (obj) => resetStatusAndGeneration(obj, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }),
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old),
  prepareForStatusUpdate: keepSpec,
  validate: validateDaemonSet,
  validateUpdate: (obj, old) => selectorImmutable(obj, old),
  table: {
    columns: [
      nameCol,
      col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
      col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
      col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
      col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
      col(
        'Available',
        'integer',
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      ),
      col(
        'Node Selector',
        'string',
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.",
      ),
      ageCol,
      containersCol,
      imagesCol,
      wide('Selector', 'A label query over pods that are managed by the daemon set. Must match in order to be controlled.'),
    ],
    row(obj, now) {
      const st = obj.status ?? {};
      const [names, images] = containerCells(obj.spec?.template?.spec?.containers);
      return [
        obj.metadata.name,
        st.desiredNumberScheduled ?? 0,
        st.currentNumberScheduled ?? 0,
        st.numberReady ?? 0,
        st.updatedNumberScheduled ?? 0,
        st.numberAvailable ?? 0,
        formatLabels(obj.spec?.template?.spec?.nodeSelector),
        age(obj, now),
        names,
        images,
        formatLabelSelector(obj.spec?.selector),
      ];
    },
  },
  returnDeletedObject: true,
};
