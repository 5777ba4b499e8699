// Registers a node and keeps it alive: status heartbeats and a Lease in kube-node-lease, as the kubelet does.
import type { Client } from '../client/types';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { StatusError } from '../api/errors';
import { isStatus } from '../client/errors';
import { rfc3339, rfc3339Micro } from '../api/time';
import { buildNode, nodeStatus, type NodeSpecConfig } from './node-object';
import { kubeletMaySetLabel } from '../admission/node-restriction';
import { bestEffort, stderrLog, type LogLine } from '../best-effort';

export const LEASE_DURATION_SECONDS = 40;
const DEFAULT_RENEW_MS = 10_000;

export class NodeHeartbeat {
  private timer?: NodeJS.Timeout;
  private powered = true;

  constructor(
    private client: Client,
    readonly config: NodeSpecConfig,
    /** Node.status.images from the runtime */
    private images: () => Promise<{ names: string[]; sizeBytes: number }[]> = async () => [],
    private renewMs = DEFAULT_RENEW_MS,
    /** the node's log: a heartbeat that fails says so there */
    private log: LogLine = stderrLog,
  ) {}

  get name(): string {
    return this.config.name;
  }
  get running(): boolean {
    return this.powered;
  }

  /**
   * kubeadm: the cluster administrator's client, which adds the labels NodeRestriction keeps a kubelet from setting on
   * its own Node (node-role.kubernetes.io/control-plane, restricted labels from the node's config), as kubeadm's
   * mark-control-plane phase does; without it the kubelet registers every label itself
   */
  async register(kubeadm?: Client): Promise<void> {
    const node = buildNode(this.config);
    const labels: Record<string, string> = node.metadata.labels ?? {};
    const withheld = kubeadm ? Object.fromEntries(Object.entries(labels).filter(([k]) => !kubeletMaySetLabel(k))) : {};
    for (const k of Object.keys(withheld)) delete labels[k];
    this.log(`Attempting to register node node="${this.config.name}"`);
    try {
      await this.client.create(R.nodes, undefined, node);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
    this.log(`Successfully registered node node="${this.config.name}"`);
    if (kubeadm && Object.keys(withheld).length) await kubeadm.patch(R.nodes, undefined, this.config.name, 'merge', { metadata: { labels: withheld } });
    await this.beat();
  }

  start(): void {
    this.powered = true;
    if (this.timer) return;
    this.timer = setInterval(() => {
      // in the kubelet's words: a deleted Node shows as "error getting node" until the kubelet restarts
      this.beat().catch((err: unknown) => {
        const msg = err instanceof Error ? err.message : String(err);
        const detail = isStatus(err, 404) ? `error getting node "${this.config.name}": ${msg}` : msg;
        this.log(`"Error updating node status, will retry" err="${detail.replace(/"/g, '\\"')}"`);
      });
    }, this.renewMs);
    this.timer.unref();
  }

  /** power off: heartbeats stop, so the node lifecycle controller will mark it NotReady */
  stop(): void {
    this.powered = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async beat(): Promise<void> {
    if (!this.powered) return;
    const cur = await this.client.get(R.nodes, undefined, this.config.name);
    const status = nodeStatus(this.config, true, rfc3339(), cur);
    // on failure the last list stays
    const images = await bestEffort(this.images(), 'listing images for Node.status.images', this.log);
    if (images) status.images = images;
    await this.client.patch(R.nodes, undefined, this.config.name, 'merge', { status }, { subresource: 'status' });
    await this.renewLease();
  }

  private async renewLease(): Promise<void> {
    const lease: KObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.config.name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: this.config.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: rfc3339Micro() },
    };
    try {
      const cur = await this.client.get(R.leases, 'kube-node-lease', this.config.name);
      await this.client.patch(R.leases, 'kube-node-lease', this.config.name, 'merge', {
        spec: { renewTime: rfc3339Micro(), holderIdentity: this.config.name },
      });
      void cur;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) {
        const node = await this.client.get(R.nodes, undefined, this.config.name);
        lease.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name!, uid: node.metadata.uid! }];
        // another heartbeat may have created it meanwhile
        await bestEffort(this.client.create(R.leases, 'kube-node-lease', lease), 'creating the node Lease', this.log, { expected: (e) => isStatus(e, 409) });
      } else throw err;
    }
  }
}
