// /livez, /readyz and /healthz in upstream's text format: "ok", or on failure (and with ?verbose) one line per
// check — "[+]name ok" / "[-]name failed: reason withheld" — and "<endpoint> check passed|failed". Besides the
// checks upstream lists, "event-loop" fails while the cluster process's event loop is (or just was) blocked, so a
// probe learns that the process is stuck instead of waiting on it.
import type { ApiResponse } from './request';

export interface HealthCheck {
  name: string;
  /** undefined when healthy, else the reason (logged, never sent: upstream withholds reasons) */
  problem(): string | undefined;
}

const STATIC_CHECKS = ['ping', 'log', 'etcd', 'poststarthook/start-apiextensions-controllers'];

type RawResponse = Extract<ApiResponse, { kind: 'raw' }>;

export function healthResponse(path: string, verbose: boolean, ready: boolean, extra: HealthCheck[]): RawResponse {
  const [endpoint, ...rest] = path.slice(1).split('/');
  const checks: HealthCheck[] = [
    ...STATIC_CHECKS.map((name) => ({ name, problem: () => undefined })),
    // the readiness of the bootstrap hook only counts for /readyz, as before
    { name: 'poststarthook/bootstrap-controller', problem: () => (endpoint === 'readyz' && !ready ? 'not ready' : undefined) },
    ...extra,
  ];
  const text = (status: number, body: string): RawResponse => ({ kind: 'raw', status, body, contentType: 'text/plain; charset=utf-8' });
  const single = rest.join('/');
  if (single) {
    const c = checks.find((x) => x.name === single);
    if (!c) return text(404, '404 page not found\n');
    return c.problem() ? text(500, `internal server error: ${single} check failed\n`) : text(200, 'ok');
  }
  const results = checks.map((c) => ({ name: c.name, failed: !!c.problem() }));
  const ok = results.every((r) => !r.failed);
  if (ok && !verbose) return text(200, 'ok');
  const lines = results.map((r) => (r.failed ? `[-]${r.name} failed: reason withheld` : `[+]${r.name} ok`));
  return text(ok ? 200 : 500, `${lines.join('\n')}\n${endpoint} check ${ok ? 'passed' : 'failed'}\n`);
}
