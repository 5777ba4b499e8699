// Runs one probe (exec, httpGet, tcpSocket, grpc) against a container through the runtime.
// Results and messages follow the kubelet's prober so Unhealthy events read the same.
import type { ContainerRuntime } from '../runtime/interface';
import { httpGetOverStream } from './http-probe';
import { withTimeout } from './settings';

export type ProbeResult = { ok: true } | { ok: false; message: string };

export interface ProbeTarget {
  runtime: ContainerRuntime;
  containerId: string;
  sandboxId: string;
  podIP: string;
  /** resolves named ports (httpGet.port: "http") */
  namedPort(name: string): number | undefined;
}

function portOf(t: ProbeTarget, p: number | string): number {
  if (typeof p === 'number') return p;
  if (/^\d+$/.test(p)) return Number(p);
  const n = t.namedPort(p);
  if (n === undefined) throw new Error(`unable to find port "${p}"`);
  return n;
}

export async function runProbe(probe: any, t: ProbeTarget): Promise<ProbeResult> {
  const timeoutS: number = probe.timeoutSeconds ?? 1;
  if (probe.exec) {
    const cmd: string[] = probe.exec.command ?? [];
    try {
      const r = await withTimeout(t.runtime.execSync(t.containerId, cmd, timeoutS), timeoutS * 1000 + 1000, 'exec probe');
      if (r.timedOut) return { ok: false, message: `command "${cmd.join(' ')}" timed out` };
      if (r.exitCode === 0) return { ok: true };
      return { ok: false, message: (r.stdout + r.stderr).replace(/\n$/, '') };
    } catch (err) {
      return { ok: false, message: /timed out/.test((err as Error).message) ? `command "${cmd.join(' ')}" timed out` : (err as Error).message };
    }
  }
  if (probe.httpGet) {
    const h = probe.httpGet;
    const scheme = (h.scheme ?? 'HTTP').toLowerCase();
    const host = h.host || t.podIP;
    let port: number;
    try {
      port = portOf(t, h.port);
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
    const path = h.path ? (h.path.startsWith('/') ? h.path : '/' + h.path) : '/';
    const url = `${scheme}://${host}:${port}${path}`;
    try {
      const sock = await withTimeout(t.runtime.probeConnect(t.sandboxId, port, h.host || undefined), timeoutS * 1000, 'connect');
      const res = await httpGetOverStream(sock, `${host}:${port}`, path, h.httpHeaders ?? [], timeoutS * 1000);
      if (res.status >= 200 && res.status < 400) return { ok: true };
      return { ok: false, message: `HTTP probe failed with statuscode: ${res.status}` };
    } catch (err) {
      return { ok: false, message: `Get "${url}": ${dialError(err, host, port)}` };
    }
  }
  if (probe.tcpSocket) {
    const host = probe.tcpSocket.host || t.podIP;
    let port: number;
    try {
      port = portOf(t, probe.tcpSocket.port);
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
    try {
      const sock = await withTimeout(t.runtime.probeConnect(t.sandboxId, port, probe.tcpSocket.host || undefined), timeoutS * 1000, 'connect');
      sock.destroy();
      return { ok: true };
    } catch (err) {
      return { ok: false, message: dialError(err, host, port) };
    }
  }
  if (probe.grpc) {
    // Simplified: a gRPC health check passes when the port accepts a connection (the simulator has no gRPC servers
    // that could answer NOT_SERVING); a refused connection fails with the kubelet's message.
    const port = probe.grpc.port;
    try {
      const sock = await withTimeout(t.runtime.probeConnect(t.sandboxId, port), timeoutS * 1000, 'connect');
      sock.destroy();
      return { ok: true };
    } catch {
      return { ok: false, message: `timeout: failed to connect service "${t.podIP}:${port}" within ${timeoutS}s: context deadline exceeded` };
    }
  }
  return { ok: true };
}

function dialError(err: unknown, host: string, port: number): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED' || /refused/i.test(e.message ?? '')) return `dial tcp ${host}:${port}: connect: connection refused`;
  if (/Client\.Timeout/.test(e.message ?? '')) return e.message!;
  if (/timed out|deadline/i.test(e.message ?? '')) return `dial tcp ${host}:${port}: i/o timeout`;
  return e.message ?? String(err);
}
