// Files every node has whatever runs on it: the kubelet's configuration and the node's identity.
import YAML from 'yaml';
import { kubeletConfiguration } from '../http-endpoints';
import { registerNodeFile } from './table';

registerNodeFile('/var/lib/kubelet/config.yaml', (node) =>
  YAML.stringify({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', ...kubeletConfiguration(node.kubelet) }),
);
registerNodeFile('/etc/hostname', (node) => `${node.nodeName}\n`);
// kind's node image is Debian
registerNodeFile(
  '/etc/os-release',
  () =>
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
);
