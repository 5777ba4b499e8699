// What a kubelet remembers about one pod between syncs (the runtime holds the rest).
import type { KObject } from '../api/types';
import type { ContainerStatus, ImageInfo } from '../runtime/interface';
import type { MountedVolume } from './volumes';

export interface TerminatedInfo {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
  signal?: number;
}

export interface ContainerRecord {
  name: string;
  kind: 'init' | 'regular' | 'ephemeral';
  sidecar: boolean;
  /** current (latest) runtime container */
  id?: string;
  /** restart count = attempt of the current container */
  attempt: number;
  status?: ContainerStatus;
  image?: ImageInfo;
  /** the spec's image the current container was created from: a different one in the spec means a new definition */
  specImage?: string;
  /** the run before the current one (lastState.terminated) */
  last?: TerminatedInfo;
  /** the runtime container of that previous run, kept (dead) as the kubelet's container GC keeps one per container */
  deadId?: string;
  /** why the container is not running (ContainerCreating, CrashLoopBackOff, ErrImagePull, …) */
  waiting?: { reason: string; message?: string };
  /** startup probe passed (or none) */
  started: boolean;
  ready: boolean;
  pullFailedAt?: number;
  pullError?: string;
  /** the current container was killed by the kubelet (liveness/startup failure): restart regardless of exit code */
  killedForRestart?: boolean;
  /** terminated container recorded when the pod is final but the runtime lost it (node reboot) */
  lostTerminated?: TerminatedInfo;
}

export interface PodState {
  uid: string;
  pod: KObject;
  sandboxId?: string;
  podIP?: string;
  startTime?: string;
  mounted?: Map<string, MountedVolume>;
  containers: Map<string, ContainerRecord>;
  admitted: boolean;
  rejected?: { reason: string; message: string };
  finalPhase?: 'Succeeded' | 'Failed';
  /** why the kubelet ended the pod itself (activeDeadlineSeconds): status.reason and status.message */
  finalReason?: { reason: string; message: string };
  /** the pod existed before this kubelet started (node reboot / cluster restart) */
  recovered: boolean;
  /** a static pod (from the node's manifests, not the API): its status goes to its mirror pod */
  static?: boolean;
  terminating?: Promise<void>;
  gone: boolean;
  conditionTimes: Map<string, { status: string; time: string }>;
  /** sandbox failure message (FailedCreatePodSandBox) while no sandbox exists */
  sandboxError?: string;
  /** image statuses asked for while the sandbox started, each used once by that sync's first container starts */
  imageStatusAhead?: Map<string, Promise<ImageInfo | undefined>>;
}

export function newPodState(pod: KObject): PodState {
  return {
    uid: pod.metadata.uid!,
    pod,
    containers: new Map(),
    admitted: false,
    recovered: false,
    gone: false,
    conditionTimes: new Map(),
  };
}
