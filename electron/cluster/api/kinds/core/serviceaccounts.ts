// ServiceAccounts: names and referenced secrets; tokens are issued elsewhere (TokenRequest).
import { type FieldError, invalid } from '../../errors';
import type { KindStrategy } from '../../kind';
import { isDNS1123Subdomain } from '../../validation/names';
import { translateTimestampSince } from './age';
import { ageColumn, col, nameColumn } from './format';

export const serviceaccounts: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    shortNames: ['sa'],
    subresources: { other: ['token'] },
  },
  validate(obj) {
    const errs: FieldError[] = [];
    (obj.secrets ?? []).forEach((r: any, i: number) => {
      if (r?.name) for (const m of isDNS1123Subdomain(r.name)) errs.push(invalid(`secrets[${i}].name`, r.name, m));
    });
    return errs;
  },
  table: {
    columns: [
      nameColumn(),
      col('Secrets', 'string', 0, 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
      ageColumn(),
    ],
    row: (sa, now) => [sa.metadata.name, (sa.secrets ?? []).length, translateTimestampSince(sa.metadata.creationTimestamp, now)],
  },
  returnDeletedObject: true,
};
