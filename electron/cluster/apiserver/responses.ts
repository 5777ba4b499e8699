// The answers every part of the API server builds: a JSON body, the generic 404, and a thrown error as a Status.
import { StatusError, errInternal, statusError, type Status } from '../api/errors';
import type { ApiResponse } from './request';

export function json(status: number, body: unknown): ApiResponse {
  return { kind: 'json', status, body };
}

export function notFoundPath(): StatusError {
  return statusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function errorResponse(err: unknown): ApiResponse {
  if (err instanceof StatusError) return { kind: 'json', status: err.code, body: err.status };
  const e = err as Error;
  // unexpected errors never crash the server; they become 500 Status bodies like upstream's panic recovery
  process.stderr.write(`apiserver: internal error: ${e?.stack ?? String(err)}\n`);
  const st: Status = errInternal(e?.message ?? String(err)).status;
  return { kind: 'json', status: 500, body: st };
}
