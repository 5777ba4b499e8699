// pods/exec, pods/attach, pods/log and pods/portforward. Placeholder until streaming lands.
import type { ApiServer } from '../../handler';
import type { NodeConnector } from '../../../kubelet/connector';

export function registerStreamingHandlers(_api: ApiServer, _connector: NodeConnector): void {
  // registered by the streaming implementation
}
