// pods/portforward: kubectl 1.31+ tunnels SPDY/3.1 through a WebSocket ("SPDY/3.1+portforward.k8s.io"), older
// clients (and 1.31+ when the WebSocket is refused) upgrade the connection to SPDY directly. Both end in the same
// SPDY session serving portforward.k8s.io, which dials the pod's port through its node's kubelet.
import { errBadRequest, errMethodNotAllowed } from '../../../api/errors';
import type { SpecialHandler } from '../../handler';
import type { ApiResponse } from '../../request';
import type { NodeConnector } from '../../../kubelet/connector';
import { servePortForward, PORT_FORWARD_PROTOCOL, type PortDialer } from '../portforward/forwarder';
import { SPDY_TUNNEL_PROTOCOL, wsByteStream } from '../portforward/ws-tunnel';
import { dialError, getPod, kubeletFor } from './pod-target';
import { admitConnect, refuseDryRun, parsePortForwardOptions, PORT_FORWARD_OPTIONS } from '../connect-admission';

export function portForwardHandler(connector: NodeConnector): SpecialHandler {
  return async ({ req, info, entry, server }): Promise<ApiResponse> => {
    if (req.method !== 'GET' && req.method !== 'POST') throw errMethodNotAllowed('the server does not allow this method on the requested resource');
    refuseDryRun(req.query);
    // admitted, then not used: upstream's kubelet reads these ports only in its WebSocket port-forward protocol,
    // which kubectl does not speak; kubectl's SPDY streams name their port in a header the forwarder reads
    await admitConnect(server, req, info, PORT_FORWARD_OPTIONS, parsePortForwardOptions(req.query));
    const pod = getPod(server, entry, info);
    const nodeName = pod.spec.nodeName;
    if (!nodeName) throw errBadRequest(`pod ${info.name} does not have a host assigned`);
    const ns = pod.metadata.namespace!;
    const name = info.name!;
    const dial: PortDialer = async (port) => {
      const kubelet = kubeletFor(connector, nodeName);
      if (!kubelet) throw new Error(`error dialing backend: ${dialError(server, nodeName)}`);
      return kubelet.portForward(ns, name, port);
    };
    if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket') {
      return {
        kind: 'upgrade',
        protocols: [SPDY_TUNNEL_PROTOCOL],
        connect: (ws) => {
          servePortForward(wsByteStream(ws), dial);
        },
      };
    }
    return {
      kind: 'tunnel',
      upgrade: 'SPDY/3.1',
      headers: { 'X-Stream-Protocol-Version': PORT_FORWARD_PROTOCOL },
      connect: (sock) => {
        servePortForward(sock, dial);
      },
    };
  };
}
