// Every core/v1 kind this package serves.
import type { KindStrategy } from '../../kind';
import { componentStatuses } from './componentstatuses';
import { configmaps } from './configmaps';
import { endpoints } from './endpoints';
import { events } from './events';
import { limitranges } from './limitranges';
import { namespaces } from './namespaces';
import { nodes } from './nodes';
import { persistentvolumeclaims } from './persistentvolumeclaims';
import { persistentvolumes } from './persistentvolumes';
import { pods } from './pods';
import { replicationcontrollers } from './replicationcontrollers';
import { resourcequotas } from './resourcequotas';
import { secrets } from './secrets';
import { serviceaccounts } from './serviceaccounts';
import { services } from './services';

export const coreKinds: KindStrategy[] = [
  namespaces,
  pods,
  services,
  endpoints,
  configmaps,
  secrets,
  serviceaccounts,
  events,
  nodes,
  persistentvolumes,
  persistentvolumeclaims,
  resourcequotas,
  limitranges,
  replicationcontrollers,
  componentStatuses,
];

export {
  configmaps,
  endpoints,
  events,
  limitranges,
  namespaces,
  nodes,
  persistentvolumeclaims,
  persistentvolumes,
  pods,
  replicationcontrollers,
  resourcequotas,
  secrets,
  serviceaccounts,
  services,
};
