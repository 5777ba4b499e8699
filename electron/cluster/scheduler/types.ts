// Shared shapes of the scheduling framework: statuses, plugin contracts and the snapshot the core reads.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { NodeInfo } from './node-info';
import type { PodInfo } from './pod-info';

export type { Node, Pod, PodDisruptionBudget };

/** Status codes with upstream's meaning: preemption only considers nodes rejected as plain Unschedulable. */
export enum Code {
  Success = 0,
  Error = 1,
  Unschedulable = 2,
  UnschedulableAndUnresolvable = 3,
}

export interface Status {
  code: Code;
  /** reason strings; these are what the FailedScheduling summary counts */
  reasons: string[];
  plugin?: string;
}

export const unschedulable = (...reasons: string[]): Status => ({ code: Code.Unschedulable, reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: Code.UnschedulableAndUnresolvable, reasons });
export const isRejected = (s: Status | null | undefined): boolean => !!s && (s.code === Code.Unschedulable || s.code === Code.UnschedulableAndUnresolvable);

/** Per-attempt scratch space shared by a plugin's PreFilter/Filter/PreScore/Score calls. */
export type CycleState = Map<string, unknown>;

/** What the core needs to know about the cluster; the scheduler cache implements it incrementally. */
export interface Snapshot {
  /** nodes in a stable order (only nodes that exist; pods bound to unknown nodes are not listed) */
  nodeInfos(): NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  pdbs(): PodDisruptionBudget[];
  /** pods nominated to a node by an earlier preemption, still waiting in the queue */
  nominatedPods?(nodeName: string): PodInfo[];
}

export interface FilterPlugin {
  readonly name: string;
  /** returning a rejected status rejects the pod on every node (message goes before the per-node summary) */
  preFilter?(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | null;
  filter(state: CycleState, pod: PodInfo, node: NodeInfo, snapshot: Snapshot): Status | null;
}

export interface ScorePlugin {
  readonly name: string;
  /** return false to skip this plugin for the pod (upstream's PreScore Skip) */
  preScore?(state: CycleState, pod: PodInfo, feasible: NodeInfo[], snapshot: Snapshot): boolean;
  score(state: CycleState, pod: PodInfo, node: NodeInfo, snapshot: Snapshot): number;
  /** rescale raw scores in place to 0..100 */
  normalize?(state: CycleState, pod: PodInfo, scores: number[], nodes: NodeInfo[]): void;
}

export interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

export interface Profile {
  schedulerName: string;
  filters: FilterPlugin[];
  scorers: WeightedScorePlugin[];
  /** DefaultPreemption at PostFilter */
  preemption: boolean;
}

export const MAX_NODE_SCORE = 100;
