// What the app needs from a lab engine. The UI talks to this interface only; engine-lab-backend.ts implements it
// over electron/lab-engine (tests may pass another of the same shape).
import type { Cluster } from '../cluster';
import type { ActiveLab, CheckResult, HintResult, LabDetail, LabSummary, Report, SolutionText, SolveResult } from './ipc-contract';

export interface LabBackendContext {
  /** the running cluster (waits while it starts or restarts) */
  cluster(): Promise<Cluster>;
  dataDir: string;
  /** repository/packaged labs/ folder */
  labsDir: string;
  /** the UI language, for engines that produce messages in one language */
  lang(): 'en' | 'zh';
  /** the cluster profile running now, and a switch to another (created from `configFile` the first time) */
  profile(): string;
  useProfile(name: string, configFile?: string): Promise<void>;
}

export interface LabBackend {
  /** every lab, each tagged with its chapter number */
  list(): Promise<LabSummary[]>;
  get(id: string): Promise<LabDetail>;
  /** runs the lab's setup and marks it started; refuses when the running cluster does not fit the lab */
  start(id: string): Promise<LabDetail>;
  /** switches to the lab's own cluster profile, then starts the lab */
  startCluster(id: string): Promise<LabDetail>;
  check(id: string): Promise<CheckResult>;
  /** hint `index` (0-based) of a step; hints are revealed one at a time */
  hint(id: string, stepId: string, index: number): Promise<HintResult>;
  /** the reference solution of one step (plus earlier steps whose checks fail), or of the whole lab without a step */
  solve(id: string, stepId?: string): Promise<SolveResult>;
  /** a step's solution text, recorded as shown */
  solution(id: string, stepId: string): Promise<SolutionText>;
  reset(id: string): Promise<void>;
  /** cancels the lab's solve or reset under way; false when nothing was running */
  cancel(id: string): Promise<boolean>;
  /** the lab holding the cluster and its namespace (else the kubeconfig's namespace) */
  active(): Promise<ActiveLab>;
  report(): Promise<Report>;
}

export type LabBackendFactory = (ctx: LabBackendContext) => LabBackend;
