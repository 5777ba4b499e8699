// Endpoints (core/v1): address/port checks and the "ip:port,... + N more..." column.
import { type FieldError, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { isDNS1123Label, isValidIP, isValidPortNum } from '../../validation/names';
import { SUPPORTED_PORT_PROTOCOLS } from '../../validation/resources';
import { translateTimestampSince } from './age';
import { ageColumn, col, nameColumn } from './format';

const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Up to three endpoints, then a count of the rest (upstream's formatEndpoints). */
export function formatEndpoints(ep: KObject): string {
  const subsets: any[] = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs: any[] = ss.addresses ?? [];
    const ports: any[] = ss.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(hostPort(a.ip, p.port));
      }
    }
  }
  const joined = list.join(',');
  if (more) return `${joined} + ${count - max} more...`;
  return joined || '<none>';
}

function validateSubsets(subsets: any[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  (subsets ?? []).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    if (!(ss.addresses ?? []).length && !(ss.notReadyAddresses ?? []).length) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const kind of ['addresses', 'notReadyAddresses']) {
      (ss[kind] ?? []).forEach((a: any, j: number) => {
        if (!isValidIP(a.ip ?? '')) errs.push(invalid(`${p}.${kind}[${j}].ip`, a.ip ?? '', 'must be a valid IP address'));
        if (a.hostname) for (const m of isDNS1123Label(a.hostname)) errs.push(invalid(`${p}.${kind}[${j}].hostname`, a.hostname, m));
      });
    }
    const ports: any[] = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if (ports.length > 1 && !port.name) errs.push(required(`${pp}.name`));
      else if (port.name) for (const m of isDNS1123Label(port.name)) errs.push(invalid(`${pp}.name`, port.name, m));
      for (const m of isValidPortNum(port.port)) errs.push(invalid(`${pp}.port`, port.port ?? 0, m));
      if (!port.protocol) errs.push(required(`${pp}.protocol`));
      else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${pp}.protocol`, port.protocol, SUPPORTED_PORT_PROTOCOLS));
    });
  });
  return errs;
}

export const endpoints: KindStrategy = {
  info: {
    group: '',
    version: 'v1',
    kind: 'Endpoints',
    listKind: 'EndpointsList',
    resource: 'endpoints',
    singular: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    deprecated: { since: '1.33', replacement: 'discovery.k8s.io/v1 EndpointSlice' },
  },
  defaults(obj) {
    for (const ss of obj.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
  },
  validate: (obj) => validateSubsets(obj.subsets),
  table: {
    columns: [nameColumn(), col('Endpoints', 'string', 0, 'The set of all endpoints is the union of all subsets.'), ageColumn()],
    row: (ep, now) => [ep.metadata.name, formatEndpoints(ep), translateTimestampSince(ep.metadata.creationTimestamp, now)],
  },
  allowCreateOnUpdate: true,
};
