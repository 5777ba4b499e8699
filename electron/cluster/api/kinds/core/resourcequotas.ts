// ResourceQuotas: hard limits by resource name; usage is filled in by the quota controller through status.
import { type FieldError, notSupported } from '../../errors';
import type { KindStrategy } from '../../kind';
import { validateResourceName, validateResourceQuantityValue } from '../../validation/resources';
import { translateTimestampSince } from './age';
import { ageColumn, col, nameColumn } from './format';
import { storageString } from './storage-common';

const SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];

function validateHard(hard: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(hard ?? {})) {
    const p = `${path}[${k}]`;
    errs.push(...validateResourceName(k, p), ...validateResourceQuantityValue(k, v, p));
  }
  return errs;
}

/** "cpu: 100m/1, pods: 2/10" split into the Request and Limit columns, sorted by resource name. */
export function quotaColumns(rq: any): { request: string; limit: string } {
  const hard: Record<string, unknown> = rq.status?.hard ?? {};
  const used: Record<string, unknown> = rq.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const cell = `${name}: ${storageString(used[name])}/${storageString(hard[name])}`;
    const parts = name.split('.');
    (parts.length > 1 && parts[0] === 'limits' ? limit : request).push(cell);
  }
  return { request: request.join(', '), limit: limit.join(', ') };
}

export const resourcequotas: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'ResourceQuota',
    resource: 'resourcequotas',
    singular: 'resourcequota',
    namespaced: true,
    shortNames: ['quota'],
    subresources: { status: true },
  },
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
  },
  validate(obj) {
    const errs = validateHard(obj.spec?.hard, 'spec.hard');
    (obj.spec?.scopes ?? []).forEach((s: string, i: number) => {
      if (!SCOPES.includes(s)) errs.push(notSupported(`spec.scopes[${i}]`, s, SCOPES));
    });
    for (const sel of obj.spec?.scopeSelector?.matchExpressions ?? []) {
      if (!SCOPES.includes(sel.scopeName)) errs.push(notSupported('spec.scopeSelector.matchExpressions.scopeName', sel.scopeName, SCOPES));
    }
    return errs;
  },
  validateStatusUpdate(obj) {
    const errs = validateHard(obj.status?.hard, 'status.hard');
    errs.push(...validateHard(obj.status?.used, 'status.used'));
    return errs;
  },
  table: {
    columns: [
      nameColumn(),
      ageColumn(),
      col('Request', 'string', 0, 'Request represents a minimum amount of cpu/memory that a container may consume.'),
      col('Limit', 'string', 0, 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ],
    row(rq, now) {
      const c = quotaColumns(rq);
      return [rq.metadata.name, translateTimestampSince(rq.metadata.creationTimestamp, now), c.request, c.limit];
    },
  },
};
