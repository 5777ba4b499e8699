// The files a CNI plugin keeps on a node, in the node's host folder (what hostPath volumes see): the conflist the
// network's installer writes, and host-local IPAM's reservations (/var/lib/cni/networks/<network>/<ip> holding the
// sandbox ID and interface, written on ADD, removed on DEL).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { cniConflist, CNI_CONFLIST_PATH } from './views/cni-conf';

export const CNI_NETWORK_NAME = 'kubelab';
const IPAM_DIR = `/var/lib/cni/networks/${CNI_NETWORK_NAME}`;

export class NodeFiles {
  constructor(
    private readonly hostDir: (node: string) => string | undefined,
    private readonly log: (line: string) => void,
  ) {}

  async writeConfig(node: string, podCIDR: string): Promise<void> {
    const root = this.hostDir(node);
    if (!root) return;
    const file = path.join(root, CNI_CONFLIST_PATH);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, cniConflist(podCIDR));
  }

  reserve(node: string, ip: string, sandboxId: string): void {
    const root = this.hostDir(node);
    if (!root) return;
    const dir = path.join(root, IPAM_DIR);
    void fsp
      .mkdir(dir, { recursive: true })
      .then(() => Promise.all([fsp.writeFile(path.join(dir, ip), `${sandboxId}\r\neth0`), fsp.writeFile(path.join(dir, 'last_reserved_ip.0'), ip)]))
      .catch((e: Error) => this.log(`cni ${node}: host-local reservation of ${ip}: ${e.message}`));
  }

  release(node: string, ip: string): void {
    const root = this.hostDir(node);
    if (!root) return;
    void fsp.rm(path.join(root, IPAM_DIR, ip), { force: true }).catch((e: Error) => this.log(`cni ${node}: host-local release of ${ip}: ${e.message}`));
  }
}
