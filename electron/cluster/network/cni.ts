// What the node's CNI plugin chain records for each sandbox: ADD on sandbox creation (interface, address, host
// ports for the portmap plugin), DEL on removal. The data path reads hostPort mappings from here; the node views
// and the kubelet log show the operations.
import type { PodSandboxConfig } from '../runtime/interface';

export interface PortMapping {
  containerPort: number;
  hostPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostIP?: string;
}

export interface Attachment {
  sandboxId: string;
  nodeName: string;
  namespace: string;
  name: string;
  ip: string;
  hostNetwork: boolean;
  portMappings: PortMapping[];
}

export interface CniOp {
  time: string;
  op: 'ADD' | 'DEL';
  sandboxId: string;
  pod: string;
  ip: string;
}

const MAX_OPS_PER_NODE = 200;

export class CniRecords {
  private readonly bySandbox = new Map<string, Attachment>();
  private readonly ops = new Map<string, CniOp[]>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly files?: { reserve(node: string, ip: string, id: string): void; release(node: string, ip: string): void },
  ) {}

  add(sandboxId: string, config: PodSandboxConfig): Attachment {
    const a: Attachment = {
      sandboxId,
      nodeName: config.nodeName,
      namespace: config.namespace,
      name: config.name,
      ip: config.podIPs[0] ?? '',
      hostNetwork: config.hostNetwork,
      portMappings: config.portMappings ?? [],
    };
    this.bySandbox.set(sandboxId, a);
    // hostNetwork sandboxes share the node's namespace: the runtime calls no CNI plugin for them
    if (!a.hostNetwork) {
      this.record(a, 'ADD');
      this.files?.reserve(a.nodeName, a.ip, sandboxId);
    }
    return a;
  }

  del(sandboxId: string): void {
    const a = this.bySandbox.get(sandboxId);
    if (!a) return;
    this.bySandbox.delete(sandboxId);
    if (!a.hostNetwork) {
      this.record(a, 'DEL');
      this.files?.release(a.nodeName, a.ip);
    }
  }

  attachments(nodeName?: string): Attachment[] {
    const all = [...this.bySandbox.values()];
    return nodeName ? all.filter((a) => a.nodeName === nodeName) : all;
  }

  /** the pod a hostPort on `nodeName` maps to */
  hostPort(nodeName: string, port: number, protocol: string, dialledIP: string): { ip: string; port: number } | undefined {
    for (const a of this.bySandbox.values()) {
      if (a.nodeName !== nodeName || a.hostNetwork) continue;
      const m = a.portMappings.find((p) => p.hostPort === port && p.protocol === protocol && (!p.hostIP || p.hostIP === '0.0.0.0' || p.hostIP === dialledIP));
      if (m) return { ip: a.ip, port: m.containerPort };
    }
    return undefined;
  }

  /** recent ADD/DEL on a node, oldest first (the node's journal) */
  recent(nodeName: string): CniOp[] {
    return [...(this.ops.get(nodeName) ?? [])];
  }

  private record(a: Attachment, op: 'ADD' | 'DEL'): void {
    const list = this.ops.get(a.nodeName) ?? [];
    list.push({ time: new Date().toISOString(), op, sandboxId: a.sandboxId, pod: `${a.namespace}/${a.name}`, ip: a.ip });
    if (list.length > MAX_OPS_PER_NODE) list.shift();
    this.ops.set(a.nodeName, list);
    const ports = a.portMappings.length ? `, portmap ${a.portMappings.map((p) => `${p.hostPort}->${p.containerPort}/${p.protocol}`).join(' ')}` : '';
    this.log(
      `kubelet ${a.nodeName}: CNI ${op} pod ${a.namespace}/${a.name} sandbox ${a.sandboxId.slice(0, 13)}: eth0 ${a.ip}/24 (bridge cni0, host-local${ports})`,
    );
  }
}
