// How the API server reaches a node's kubelet for exec, attach, logs and port-forward (upstream: HTTPS to :10250).
// In-process here: each kubelet registers a KubeletConnection under its node name.
import type { Duplex, Readable } from 'node:stream';
import type { ExecOptions, StreamSession } from '../runtime/interface';
import type { KubeletHttpAnswer } from './http-endpoints';
import type { NodeShellResult } from './node-view/shell';

export interface LogOptions {
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
}

export interface KubeletConnection {
  /** errors are StatusErrors with upstream's messages (e.g. container not found, pod not running) */
  exec(namespace: string, pod: string, container: string, opts: ExecOptions): Promise<StreamSession>;
  attach(namespace: string, pod: string, container: string, opts: Omit<ExecOptions, 'command'>): Promise<StreamSession>;
  /** the container's log as served by the kubelet (CRI log files decoded, options applied); ends unless follow */
  logs(namespace: string, pod: string, container: string, opts: LogOptions): Promise<Readable>;
  portForward(namespace: string, pod: string, port: number): Promise<Duplex>;
  /** a GET on the kubelet's own HTTP endpoints (/healthz, /pods, /stats/summary, …), for nodes/NAME/proxy */
  http(path: string): Promise<KubeletHttpAnswer>;
  /** runs one command line in a node shell session (kubelab node shell); the session keeps cwd and variables */
  nodeShell(session: string, commandLine: string): Promise<NodeShellResult>;
}

/** connects to ip:port on the pod network as the control-plane node does */
export type PodDialer = (ip: string, port: number) => Promise<Duplex>;

export class NodeConnector {
  private conns = new Map<string, KubeletConnection>();
  private podNetwork?: PodDialer;
  /** the pod network the API server dials pod IPs through (the proxy subresources), set when the nodes start */
  attachPodNetwork(dial: PodDialer): void {
    this.podNetwork = dial;
  }
  dialPod(ip: string, port: number): Promise<Duplex> {
    if (!this.podNetwork) return Promise.reject(Object.assign(new Error(`dial tcp ${ip}:${port}: connect: no route to host`), { code: 'EHOSTUNREACH' }));
    return this.podNetwork(ip, port);
  }
  register(nodeName: string, c: KubeletConnection): void {
    this.conns.set(nodeName, c);
  }
  unregister(nodeName: string): void {
    this.conns.delete(nodeName);
  }
  forNode(nodeName: string): KubeletConnection | undefined {
    return this.conns.get(nodeName);
  }
}
