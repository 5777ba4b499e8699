// pods/portforward: kubectl 1.31+ tunnels SPDY/3.1 frames through a WebSocket ("SPDY/3.1+portforward.k8s.io"),
// 1.30 speaks SPDY directly. Neither framing is carried yet, so after the API server's own checks the upgrade is
// refused with a Status; kubectl falls back from the WebSocket to SPDY on the refusal and then prints
// "error upgrading connection: <message>".
import { errBadRequest, errMethodNotAllowed, statusError } from '../../../api/errors';
import type { SpecialHandler } from '../../handler';
import type { ApiResponse } from '../../request';
import { getPod } from './pod-target';

export const PORT_FORWARD_UNSUPPORTED = 'port forwarding is not supported by this KubeLab cluster yet; reach the pod through a Service or with kubectl exec';

export const portForwardHandler: SpecialHandler = async ({ req, info, entry, server }): Promise<ApiResponse> => {
  if (req.method !== 'GET' && req.method !== 'POST') throw errMethodNotAllowed('the server does not allow this method on the requested resource');
  const pod = getPod(server, entry, info);
  if (!pod.spec.nodeName) throw errBadRequest(`pod ${info.name} does not have a host assigned`);
  for (const p of req.query.getAll('ports').flatMap((v) => v.split(','))) {
    if (!/^\d+$/.test(p.trim()) || Number(p) < 1 || Number(p) > 65535) throw errBadRequest(`error parsing port: ${p}`);
  }
  throw statusError(501, 'NotImplemented', PORT_FORWARD_UNSUPPORTED);
};
