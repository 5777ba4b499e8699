// pods/exec, pods/attach, pods/log and pods/portforward: the API server's streaming subresources, relayed to the
// kubelet of the pod's node through the NodeConnector.
import type { ApiServer } from '../../handler';
import type { NodeConnector } from '../../../kubelet/connector';
import { execHandler } from './exec';
import { logsHandler } from './logs';
import { portForwardHandler } from './portforward';

export function registerStreamingHandlers(api: ApiServer, connector: NodeConnector): void {
  api.registerSpecial('', 'pods', 'exec', execHandler(connector, 'exec'));
  api.registerSpecial('', 'pods', 'attach', execHandler(connector, 'attach'));
  api.registerSpecial('', 'pods', 'log', logsHandler(connector));
  api.registerSpecial('', 'pods', 'portforward', portForwardHandler(connector));
}
