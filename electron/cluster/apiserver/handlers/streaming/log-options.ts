// PodLogOptions from the query string, validated as upstream's ValidatePodLogOptions (422 PodLogOptions … is invalid).
import { errBadRequest, errInvalid, forbidden, invalid, type FieldError } from '../../../api/errors';
import type { LogOptions } from '../../../kubelet/connector';
import { queryOptionalBool } from '../../request';

export interface LogRequest extends LogOptions {
  container?: string;
}

function parseInt64(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw errBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseLogRequest(podName: string, q: URLSearchParams): LogRequest {
  const sinceTime = q.get('sinceTime') || undefined;
  if (sinceTime !== undefined && (!RFC3339.test(sinceTime) || Number.isNaN(Date.parse(sinceTime)))) {
    throw errBadRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)} as "2006"`);
  }
  const r: LogRequest = {
    container: q.get('container') || undefined,
    follow: queryOptionalBool(q, 'follow'),
    previous: queryOptionalBool(q, 'previous'),
    timestamps: queryOptionalBool(q, 'timestamps'),
    tailLines: parseInt64(q, 'tailLines'),
    sinceSeconds: parseInt64(q, 'sinceSeconds'),
    limitBytes: parseInt64(q, 'limitBytes'),
    sinceTime,
  };
  const errs: FieldError[] = [];
  if (r.tailLines !== undefined && r.tailLines < 0) errs.push(invalid('tailLines', r.tailLines, 'must be greater than or equal to 0'));
  if (r.limitBytes !== undefined && r.limitBytes < 1) errs.push(invalid('limitBytes', r.limitBytes, 'must be greater than 0'));
  if (r.sinceSeconds !== undefined && r.sinceTime !== undefined) errs.push(forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  else if (r.sinceSeconds !== undefined && r.sinceSeconds < 1) errs.push(invalid('sinceSeconds', r.sinceSeconds, 'must be greater than 0'));
  if (errs.length) throw errInvalid('', 'PodLogOptions', podName, errs);
  for (const k of Object.keys(r) as (keyof LogRequest)[]) if (r[k] === undefined) delete r[k];
  return r;
}
