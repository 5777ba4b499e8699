// pods/log: resolves the container like the API server, checks the pod status the way the kubelet will,
// then streams what the node's kubelet serves (chunked text/plain; follow keeps the response open).
import { errBadRequest, errMethodNotAllowed, StatusError } from '../../../api/errors';
import type { SpecialHandler } from '../../handler';
import type { ApiResponse } from '../../request';
import type { NodeConnector } from '../../../kubelet/connector';
import { containerLogSource, type PodStatusLike } from '../../../kubelet/logs';
import { parseLogRequest } from './log-options';
import { backendError, dialError, getPod, kubeletFor, nodeAddress, resolveContainer } from './pod-target';

export function logsHandler(connector: NodeConnector): SpecialHandler {
  return async ({ req, info, entry, server }): Promise<ApiResponse> => {
    if (info.verb !== 'get') throw errMethodNotAllowed('the server does not allow this method on the requested resource');
    const opts = parseLogRequest(info.name!, req.query);
    const pod = getPod(server, entry, info);
    const container = resolveContainer(pod, opts.container);
    const nodeName = pod.spec.nodeName;
    // an unscheduled pod has no kubelet to ask: upstream answers with an empty log
    if (!nodeName) return { kind: 'raw', status: 200, body: '', contentType: 'text/plain' };
    const ns = pod.metadata.namespace!;
    const name = info.name!;
    // the kubelet decides this from its own copy of the status; checking the API copy first keeps the
    // messages right whichever kubelet implementation answers (IDs are not required: the API copy may lack them)
    const src = containerLogSource(name, pod.status as PodStatusLike | undefined, container, !!opts.previous, false);
    if ('error' in src) throw errBadRequest(src.error);
    const kubelet = kubeletFor(connector, nodeName);
    if (!kubelet)
      throw backendError(`Get "https://${nodeAddress(server, nodeName)}:10250/containerLogs/${ns}/${name}/${container}": ${dialError(server, nodeName)}`);
    const { container: _c, ...logOpts } = opts;
    let body: NodeJS.ReadableStream;
    try {
      body = await kubelet.logs(ns, name, container, logOpts);
    } catch (err) {
      if (err instanceof StatusError) throw err;
      throw errBadRequest(err instanceof Error ? err.message : String(err));
    }
    return {
      kind: 'stream',
      status: 200,
      contentType: 'text/plain',
      start(write, end) {
        body.on('data', (c: Buffer | string) => write(c));
        body.on('end', end);
        body.on('error', end);
        body.on('close', end);
        return {
          stop: () => {
            (body as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
          },
        };
      },
    };
  };
}
