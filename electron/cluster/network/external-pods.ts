// Pods whose containers run outside the simulator (the Docker runtime). The simulated data path still decides a
// connection's fate — DNS, kube-proxy's translation, hostPort DNAT, NetworkPolicy — and only the last hop, the
// delivery to the destination pod, becomes a real TCP connection from the host to the pod's IP (on Linux the
// host routes to the Docker bridge's addresses itself).
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { NetError } from '../runtime/sim/network';

/** what the data path needs to know about such pods: which addresses are theirs (runtime/docker's registry) */
export interface ExternalPods {
  has(ip: string): boolean;
}

export interface ExternalDialOptions {
  log(line: string): void;
  /** how long an unanswered SYN keeps the client waiting before ETIMEDOUT (as the simulated DROP) */
  timeoutMs: number;
  /** opens the socket (tests hand in one that fails as an unreachable host does) */
  connect?: (o: net.NetConnectOpts) => net.Socket;
}

/**
 * Opens a real TCP connection to a pod address and hands it back as the simulator's connections are handed back.
 * The client sees what it would see on a node: a refusal as ECONNREFUSED; no route, an unreachable host or no
 * answer as a connect that hangs until its own timeout (ETIMEDOUT once `timeoutMs` has passed). The dial's own
 * error is logged in every case.
 */
export function dialExternalPod(ip: string, port: number, o: ExternalDialOptions): Promise<Duplex> {
  const what = `network: dial ${ip}:${port} (Docker pod)`;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // not half-open (unlike the simulator's pairs): the server's FIN ends our side too, so a client that reads to
    // the end and drops the socket without ending it (wget's HTTP client) leaves no descriptor behind; a client that
    // ends its request first still reads the whole answer
    const sock = (o.connect ?? net.connect)({ host: ip, port, allowHalfOpen: false });
    const timedOut = () => reject(new NetError('ETIMEDOUT', `connect ${ip}:${port}: connection timed out`));
    const timer = setTimeout(() => {
      o.log(`${what}: no answer within ${o.timeoutMs} ms`);
      sock.destroy();
      timedOut();
    }, o.timeoutMs);
    timer.unref?.();
    const failed = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      o.log(`${what}: ${e.message}`);
      if (e.code === 'ECONNREFUSED') {
        reject(new NetError('ECONNREFUSED', `connect ${ip}:${port}: connection refused`));
        return;
      }
      // EHOSTUNREACH, ENETUNREACH, ETIMEDOUT: to the client the SYN went nowhere, so it waits out its own timeout
      const rest = setTimeout(timedOut, Math.max(0, o.timeoutMs - (Date.now() - started)));
      rest.unref?.();
    };
    sock.once('error', failed);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.off('error', failed);
      // a reset after the connect reaches the client's own 'error' listeners; this one keeps a client without one
      // from crashing the process and leaves a trace
      sock.on('error', (e) => o.log(`${what}: ${e.message}`));
      resolve(sock);
    });
  });
}
