// One host-side listener per Service port, on the cluster bridge's gateway address only (a port the OS picks):
// TCP connections are spliced onto a connection the simulated data path opens as the pod; UDP datagrams are DNS
// queries answered by the cluster DNS. What the proxy reads as the client's address is the pod's own (DNAT keeps
// the source), which is how it knows whom to dial as.
import { createServer, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import type { ClusterNetwork } from '../../../network/cluster-network';
import { dialServiceAsPod, dnsAsPod } from './dial';
import { decodeQuery, encodeReply } from '../../../network/dns/wire';

export interface PortListener {
  proxyPort: number;
  close(): Promise<void>;
}

export interface ListenerTarget {
  service: string;
  vip: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

export function openListener(network: ClusterNetwork, gateway: string, t: ListenerTarget, log: (line: string) => void): Promise<PortListener> {
  return t.protocol === 'TCP' ? tcpListener(network, gateway, t, log) : udpListener(network, gateway, t, log);
}

const clientIP = (addr: string | undefined) => (addr ?? '').replace(/^::ffff:/, '');

async function tcpListener(network: ClusterNetwork, gateway: string, t: ListenerTarget, log: (line: string) => void): Promise<PortListener> {
  const open = new Set<Socket>();
  const server: Server = createServer((sock) => {
    open.add(sock);
    sock.on('close', () => open.delete(sock));
    sock.on('error', () => sock.destroy());
    dialServiceAsPod(network, clientIP(sock.remoteAddress), t.vip, t.port).then(
      (up) => {
        if (sock.destroyed) return void up.destroy();
        const close = () => {
          sock.destroy();
          up.destroy();
        };
        up.on('error', close);
        up.on('close', () => sock.end());
        sock.on('close', () => up.destroy());
        sock.pipe(up);
        up.pipe(sock);
      },
      // a REJECT (no endpoints) or RST on the simulated side is a reset here too; a drop never gets this far
      () => sock.resetAndDestroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: gateway, port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log(`docker service proxy: ${t.service} tcp listener: ${e.message}`));
  return {
    proxyPort: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function udpListener(network: ClusterNetwork, gateway: string, t: ListenerTarget, log: (line: string) => void): Promise<PortListener> {
  const sock: UdpSocket = createSocket('udp4');
  let warned = false;
  sock.on('message', (msg, rinfo) => {
    const q = decodeQuery(msg);
    if (!q) {
      if (!warned) log(`docker service proxy: ${t.service}: a UDP datagram that is no DNS query was dropped (the simulated network carries UDP only as DNS)`);
      warned = true;
      return;
    }
    const answer = q.question ? dnsAsPod(network, rinfo.address, t.vip, t.port, q.question) : Promise.resolve({ rcode: 'NOTIMP' as const });
    answer.then(
      // no reply: nothing serves behind the VIP or the packet filter dropped the query; the client times out
      (reply) => reply && sock.send(encodeReply(q, reply, q.udpSize), rinfo.port, rinfo.address),
      (e: Error) => log(`docker service proxy: ${t.service}: DNS query from ${rinfo.address}: ${e.message}`),
    );
  });
  sock.on('error', (e) => log(`docker service proxy: ${t.service} udp listener: ${e.message}`));
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: gateway, port: 0 }, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  return {
    proxyPort: sock.address().port,
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}
