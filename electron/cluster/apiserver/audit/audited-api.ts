// The audit filter around the API server's handler, as upstream's WithAudit: RequestReceived before the handler runs;
// for long-running requests (watch and proxy, and the attach, exec, log, portforward and proxy subresources)
// ResponseStarted once the status is known and ResponseComplete when the stream, watch or connection ends; for the
// others ResponseComplete with the answer. An unexpected exception in the handler (a panic upstream, a 500 here)
// is recorded as the Panic stage instead.
import type { Duplex } from 'node:stream';
import type { ApiServer } from '../handler';
import type { ApiRequest, ApiResponse, RequestInfo } from '../request';
import type { AuditLog, AuditedRequest } from './log';

const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

/** upstream's BasicLongRunningRequestCheck with kube-apiserver's verbs and subresources */
export function isLongRunning(info: RequestInfo): boolean {
  return info.isResourceRequest && (LONG_RUNNING_VERBS.has(info.verb) || LONG_RUNNING_SUBRESOURCES.has(info.subresource ?? ''));
}

/** the response, reporting once when it has ended (the handler ended it, or the client went away) */
function onEnd(res: ApiResponse, ended: () => void): ApiResponse {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    ended();
  };
  switch (res.kind) {
    case 'watch':
    case 'stream':
      return {
        ...res,
        start: (send: never, end: () => void) => {
          const h = res.start(send, () => {
            once();
            end();
          });
          return {
            stop() {
              h.stop();
              once();
            },
          };
        },
      } as ApiResponse;
    case 'upgrade':
      return {
        ...res,
        connect(ws, protocol) {
          ws.on('close', once);
          res.connect(ws, protocol);
        },
      };
    case 'tunnel':
      return {
        ...res,
        connect(sock: Duplex) {
          sock.on('close', once);
          res.connect(sock);
        },
      };
    default:
      once();
      return res;
  }
}

/** the responseStatus upstream's audit filter records for a panic, with the panic's value in its message */
function panicStatus(failure: unknown): ApiResponse {
  const message = `APIServer panic'd: ${failure instanceof Error ? failure.message : String(failure)}`;
  return { kind: 'json', status: 500, body: { kind: 'Status', status: 'Failure', message, reason: 'InternalError' } };
}

export function auditedApiServer(api: ApiServer, audit: AuditLog): ApiServer {
  const wrapped = Object.create(api) as ApiServer;
  wrapped.handle = async (req: ApiRequest) => {
    const a: AuditedRequest | undefined = audit.begin(req);
    const res = await api.handle(req);
    if (!a) return res;
    const failure = api.unexpectedError(req);
    if (failure !== undefined) {
      // upstream's audit filter recovers a handler's panic: a Panic event instead of the response stages
      audit.emit(a, 'Panic', panicStatus(failure), api.auditAnnotations(req));
      return res;
    }
    const complete = () => audit.emit(a, 'ResponseComplete', res, api.auditAnnotations(req));
    if (!isLongRunning(a.info)) {
      complete();
      return res;
    }
    audit.emit(a, 'ResponseStarted', res, api.auditAnnotations(req));
    return onEnd(res, complete);
  };
  return wrapped;
}
