// host-local-like IPAM: one /24 per node (10.244.<index>.0/24); .0 is the network, .1 the gateway (cni0), .255 broadcast.
export class PodIPAllocator {
  private byUid = new Map<string, string>();
  private used = new Set<string>();
  private prefix: string;
  private cursor = 2;

  constructor(cidr: string) {
    const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr);
    if (!m) throw new Error(`unsupported pod CIDR ${cidr}: only /24 ranges are simulated`);
    this.prefix = m[1];
  }

  get gateway(): string {
    return `${this.prefix}.1`;
  }

  /** re-claims an address a pod already had (kubelet restart); false if it is not ours or taken */
  claim(uid: string, ip: string): boolean {
    if (this.byUid.get(uid) === ip) return true;
    if (this.byUid.has(uid) || !ip.startsWith(this.prefix + '.')) return false;
    const host = Number(ip.slice(this.prefix.length + 1));
    if (!(host >= 2 && host <= 254) || this.used.has(ip)) return false;
    this.used.add(ip);
    this.byUid.set(uid, ip);
    return true;
  }

  allocate(uid: string, preferred?: string): string {
    const have = this.byUid.get(uid);
    if (have) return have;
    if (preferred && this.claim(uid, preferred)) return preferred;
    for (let i = 0; i < 253; i++) {
      const host = 2 + ((this.cursor - 2 + i) % 253);
      const ip = `${this.prefix}.${host}`;
      if (this.used.has(ip)) continue;
      this.cursor = host + 1 > 254 ? 2 : host + 1;
      this.used.add(ip);
      this.byUid.set(uid, ip);
      return ip;
    }
    throw new Error(`failed to allocate for range 0: no IP addresses available in range set: ${this.prefix}.1-${this.prefix}.254`);
  }

  release(uid: string): void {
    const ip = this.byUid.get(uid);
    if (!ip) return;
    this.byUid.delete(uid);
    this.used.delete(ip);
  }

  ipOf(uid: string): string | undefined {
    return this.byUid.get(uid);
  }
}
