// The pod IPs of this cluster's sandboxes that run on Docker (not the system pods a Docker node's simulator runs):
// the cluster network asks it whether a destination is a real container, which it then dials over TCP.
export class DockerPodAddresses {
  /** pod IP → the sandbox holding it; a recycled IP belongs to the sandbox that took it last */
  private readonly bySandbox = new Map<string, string>();

  add(sandboxId: string, podIPs: readonly string[]): void {
    for (const ip of podIPs) this.bySandbox.set(ip, sandboxId);
  }

  remove(sandboxId: string): void {
    for (const [ip, id] of this.bySandbox) if (id === sandboxId) this.bySandbox.delete(ip);
  }

  has(ip: string): boolean {
    return this.bySandbox.has(ip);
  }
}
