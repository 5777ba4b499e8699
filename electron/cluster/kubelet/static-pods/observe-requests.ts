// Feeds the control plane's logs (component-log.ts) from the requests the API server handles: its own request log
// for what arrives over HTTPS, the scheduler's bindings and scheduling failures, and the events the controller
// manager records — the lines their real counterparts print.
import type { ApiServer } from '../../apiserver/handler';
import type { ApiRequest, ApiResponse } from '../../apiserver/request';
import { klogStructured, type ComponentLog } from './component-log';

export type Observer = (req: ApiRequest, res: ApiResponse, ms: number) => void;

/** the same API server, with `observe` called after every request it answers */
export function observedApiServer(api: ApiServer, observe: Observer, onError: (msg: string) => void): ApiServer {
  const wrapped = Object.create(api) as ApiServer;
  wrapped.handle = async (req: ApiRequest) => {
    const t0 = performance.now();
    const res = await api.handle(req);
    try {
      observe(req, res, performance.now() - t0);
    } catch (err) {
      onError(`component log: ${(err as Error).message}`);
    }
    return res;
  };
  return wrapped;
}

const status = (res: ApiResponse): number => ('status' in res ? res.status : 101);

/** Go's time.Duration text for a latency in milliseconds (e.g. "1.234567ms", "250µs") */
function latency(ms: number): string {
  if (ms >= 1000) return `${+(ms / 1000).toFixed(9)}s`;
  if (ms >= 1) return `${+ms.toFixed(6)}ms`;
  return `${+(ms * 1000).toFixed(3)}µs`;
}

function verbOf(req: ApiRequest): string {
  if (req.method !== 'GET') return req.method;
  if (req.query.get('watch') === 'true' || req.query.get('watch') === '1') return 'WATCH';
  // a collection path ends in a resource: /api/v1/pods, /apis/apps/v1/namespaces/x/deployments
  const parts = req.path.split('/').filter(Boolean);
  const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  if ((parts[0] !== 'api' && parts[0] !== 'apis') || !rest.length) return 'GET';
  const named = rest[0] === 'namespaces' ? rest.length >= 4 || rest.length === 2 : rest.length >= 2;
  return named ? 'GET' : 'LIST';
}

/** kube-apiserver's request log line (httplog) for a request that came over HTTPS */
export function apiserverRequestObserver(log: ComponentLog): Observer {
  return (req, res, ms) => {
    const q = req.query.toString();
    log.klog(
      'kube-apiserver',
      'I',
      'httplog.go:134',
      klogStructured('HTTP', {
        verb: verbOf(req),
        URI: req.path + (q ? `?${q}` : ''),
        latency: latency(ms),
        userAgent: req.headers['user-agent'] ?? '',
        'audit-ID': crypto.randomUUID(),
        srcIP: '127.0.0.1',
        resp: status(res),
      }),
    );
  };
}

const BINDING = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/binding$/;
const EVENTS = /^\/api\/v1\/namespaces\/[^/]+\/events$/;

/** the scheduler's and controller manager's lines, from what they write through the in-process client */
export function componentRequestObserver(log: ComponentLog): Observer {
  return (req, res, _ms) => {
    if (req.method !== 'POST' || status(res) >= 300) return;
    const body = req.bodyObject as any;
    const bound = BINDING.exec(req.path);
    if (bound) {
      log.klog(
        'kube-scheduler',
        'I',
        'schedule_one.go:314',
        klogStructured('Successfully bound pod to node', { pod: `${bound[1]}/${bound[2]}`, node: body?.target?.name }),
      );
      return;
    }
    if (!EVENTS.test(req.path) || !body?.involvedObject) return;
    const io = body.involvedObject;
    const object = io.namespace ? `${io.namespace}/${io.name}` : io.name;
    const component: string = body.source?.component ?? body.reportingComponent ?? '';
    if (component === 'default-scheduler') {
      if (body.reason === 'FailedScheduling') {
        log.klog('kube-scheduler', 'I', 'schedule_one.go:1055', klogStructured('Unable to schedule pod; no fit; waiting', { pod: object, err: body.message }));
      }
      return;
    }
    if (component === 'kubelet' || !component) return;
    log.klog(
      'kube-controller-manager',
      'I',
      'event.go:389',
      klogStructured('Event occurred', {
        object,
        fieldPath: io.fieldPath ?? '',
        kind: io.kind,
        apiVersion: io.apiVersion,
        type: body.type,
        reason: body.reason,
        message: body.message,
      }),
    );
  };
}
