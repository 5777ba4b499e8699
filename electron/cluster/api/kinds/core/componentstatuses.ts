// v1 ComponentStatus: deprecated since v1.19 but still served, read-only, computed on each request from the health
// of the control plane's parts (all in this process, so healthy while the API server answers).
import type { KObject } from '../../types';
import type { KindStrategy } from '../../kind';
import { col, nameColumn } from './format';

export const COMPONENTS = ['scheduler', 'controller-manager', 'etcd-0'];

export function componentStatus(name: string): KObject {
  return { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] } as KObject;
}

const healthy = (o: KObject) => (o.conditions ?? []).find((c: { type: string }) => c.type === 'Healthy');

export const componentStatuses: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'ComponentStatus',
    resource: 'componentstatuses',
    singular: 'componentstatus',
    namespaced: false,
    shortNames: ['cs'],
    verbs: ['get', 'list'],
    virtual: true,
    deprecated: { since: '1.19' },
  },
  table: {
    columns: [
      nameColumn(),
      col('Status', 'string', 0, 'Status of the component conditions'),
      col('Message', 'string', 0, 'Message of the component conditions'),
      col('Error', 'string', 0, 'Error of the component conditions'),
    ],
    row: (o) => {
      const c = healthy(o);
      return [o.metadata.name, c?.status === 'True' ? 'Healthy' : 'Unhealthy', c?.message ?? '', c?.error ?? ''];
    },
  },
};
