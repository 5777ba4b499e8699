// How the API server reaches a node's kubelet for exec, attach, logs and port-forward (upstream: HTTPS to :10250).
// In-process here: each kubelet registers a KubeletConnection under its node name.
import type { Duplex, Readable } from 'node:stream';
import type { ExecOptions, StreamSession } from '../runtime/interface';

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
}

export class NodeConnector {
  private conns = new Map<string, KubeletConnection>();
  register(nodeName: string, c: KubeletConnection): void { this.conns.set(nodeName, c); }
  unregister(nodeName: string): void { this.conns.delete(nodeName); }
  forNode(nodeName: string): KubeletConnection | undefined { return this.conns.get(nodeName); }
}
