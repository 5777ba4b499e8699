// The one typed API between the renderer and the main process. Electron's preload and the web mode's WebSocket
// bridge carry exactly these methods and events, so the renderer cannot tell which transport it runs on.
// the renderer type-checks this contract, so it names the one browser-safe type file instead of the cluster's
// public surface (which would pull Node-only modules into the renderer's type check)
// eslint-disable-next-line no-restricted-imports
import type { DockerDaemonStatus } from '../cluster/runtime/docker/status';
// eslint-disable-next-line no-restricted-imports
import type { ConnectionTestQuery, ConnectionTestResult } from '../cluster/network/connection-test-types';
// eslint-disable-next-line no-restricted-imports
export type { ConnectionHop, ConnectionTarget, ConnectionTestQuery, ConnectionTestResult } from '../cluster/network/connection-test-types';

export type Lang = 'en' | 'zh';
export interface Localized {
  en: string;
  zh: string;
}

export type LabStatus = 'not-started' | 'in-progress' | 'passed';
export interface LabSummary {
  id: string;
  chapter: number;
  title: Localized;
  status: LabStatus;
  stepsDone: number;
  stepsTotal: number;
}
export interface Chapter {
  number: number;
  title: Localized;
  summary: Localized;
  labs: LabSummary[];
}
export interface LabStep {
  id: string;
  title: Localized;
  /** Markdown; fenced code blocks become "run in terminal" / "copy" blocks */
  body: Localized;
  hintCount: number;
}
/** the running cluster as this lab sees it */
export interface LabClusterFit {
  /** the cluster profile the lab runs on ("default", or the lab's own when it brings a topology) */
  profile: string;
  /** the profile running now */
  current: string;
  /** why the running cluster does not fit the lab (empty when it does) */
  problems: Localized[];
  /** a lab whose snapshot the cluster holds: starting this lab first returns the cluster to its state before it */
  activeLab?: string;
}
export interface LabDetail extends LabSummary {
  intro: Localized;
  steps: LabStep[];
  /** steps already passed, by id */
  passedSteps: string[];
  cluster?: LabClusterFit;
  /** programs the lab needs (lab.yaml tools, e.g. helm) that are neither bundled nor on PATH: why, and what to do */
  missingTools?: Localized[];
}
export interface ClusterProfileView {
  name: string;
  created: boolean;
  nodes?: number;
}
export interface ClusterProfiles {
  current: string;
  profiles: ClusterProfileView[];
}
/** message: in the learner's terms; detail: the grader's technical account for authors (absent for steps not reached) */
export interface CheckItem {
  name: Localized;
  passed: boolean;
  message: Localized;
  detail?: string;
}
export interface StepResult {
  stepId: string;
  passed: boolean;
  checks: CheckItem[];
}
export interface CheckResult {
  labId: string;
  passed: boolean;
  steps: StepResult[];
}
export interface HintResult {
  stepId: string;
  index: number;
  total: number;
  text: Localized;
}
/** the reference solution of one step, as text to read and copy */
export interface SolutionText {
  stepId: string;
  /** Markdown (a fenced bash block with the commands, manifests inlined) */
  text: Localized;
}
export interface SolveResult {
  message: Localized;
  applied: string[];
  /** the student's own objects the solution had to delete and create anew, each with why */
  replaced: Localized[];
}
/** the lab whose snapshot the cluster holds, and the namespace new objects go to by default */
export interface ActiveLab {
  lab?: string;
  namespace: string;
}
export interface Report {
  fileName: string;
  content: string;
}

export interface NodeView {
  name: string;
  ready: boolean;
  /** the Ready condition's status: Unknown once the node lifecycle controller stops hearing from the kubelet */
  readyStatus: 'True' | 'False' | 'Unknown';
  powered: boolean;
  roles: string[];
  unschedulable: boolean;
  kubeletVersion: string;
  taints: string[];
  internalIP?: string;
  /** the range the node's pods get their IPs from */
  podCIDR?: string;
}
export interface PodView {
  namespace: string;
  name: string;
  uid: string;
  phase: string;
  /** what `kubectl get pods` prints in STATUS */
  status: string;
  ready: string;
  restarts: number;
  nodeName?: string;
  owner?: { kind: string; name: string };
  created: string;
  /** status.podIP (the node's IP for hostNetwork pods) */
  ip?: string;
  hostNetwork?: boolean;
}
export interface ServicePortView {
  name?: string;
  port: number;
  protocol: string;
  targetPort: string;
  nodePort?: number;
}
export interface ServiceEndpointView {
  ip: string;
  ready: boolean;
  nodeName?: string;
  /** the pod behind the address (targetRef) */
  pod?: string;
}
export interface ServiceView {
  namespace: string;
  name: string;
  type: string;
  /** "None" for headless Services; absent for ExternalName */
  clusterIP?: string;
  externalIPs: string[];
  externalName?: string;
  ports: ServicePortView[];
  endpoints: ServiceEndpointView[];
}
/** a Service reachable from this computer: a NodePort, or the ingress controller's HTTP/HTTPS entry (127.0.0.1 only) */
export interface HostPortView {
  /** namespace/name */
  service: string;
  nodePort: number;
  url: string;
  entry?: 'http' | 'https';
}
export interface EventView {
  uid: string;
  namespace: string;
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  time: string;
}
/** a PersistentVolumeClaim as `kubectl get pvc` shows it, plus the pods that mount it */
export interface ClaimView {
  namespace: string;
  name: string;
  uid: string;
  /** Pending, Bound, Lost; Terminating while a finalizer holds it */
  status: string;
  volume?: string;
  /** the bound capacity, else the requested size */
  capacity: string;
  accessModes: string[];
  storageClass?: string;
  /** the node WaitForFirstConsumer chose (volume.kubernetes.io/selected-node) */
  selectedNode?: string;
  usedBy: string[];
}
export interface VolumeView {
  name: string;
  uid: string;
  /** Available, Bound, Released, Failed; Terminating while a finalizer holds it */
  status: string;
  capacity: string;
  reclaimPolicy: string;
  /** namespace/name of the claim it is bound (or pre-bound) to */
  claim?: string;
  storageClass?: string;
  /** the CSI driver, or the in-tree source (hostPath, local, nfs …) */
  source: string;
  /** the one node its node affinity allows, when it names one */
  node?: string;
  /** nodes with a VolumeAttachment for it, and whether it is attached there */
  attachments: { node: string; attached: boolean }[];
}
export interface StorageClassView {
  name: string;
  provisioner: string;
  isDefault: boolean;
  bindingMode: string;
  reclaimPolicy: string;
  allowExpansion: boolean;
}
export interface SnapshotView {
  namespace: string;
  name: string;
  uid: string;
  /** the claim it was taken from, or the pre-provisioned content it names */
  source: string;
  ready: boolean;
  restoreSize?: string;
  content?: string;
  snapshotClass?: string;
  error?: string;
}
export interface StorageSnapshot {
  claims: ClaimView[];
  volumes: VolumeView[];
  classes: StorageClassView[];
  snapshots: SnapshotView[];
}
export interface ClusterSnapshot {
  nodes: NodeView[];
  /** node-monitor grace period: how long a powered-off node still shows Ready before it turns NotReady */
  nodeGraceSeconds?: number;
  pods: PodView[];
  events: EventView[];
  services: ServiceView[];
  storage: StorageSnapshot;
  /** what `kubelab start` prints: NodePorts and the ingress controller on 127.0.0.1 */
  hostPorts?: HostPortView[];
}
/** whom the cluster view shows the cluster as (impersonation): a user (with groups), a group, or a ServiceAccount */
export type ViewAsSubject =
  { kind: 'User'; name: string; groups?: string[] } | { kind: 'Group'; name: string } | { kind: 'ServiceAccount'; namespace: string; name: string };
/** the cluster as that subject may list it, and what the API server refused it */
export interface ViewAsResult {
  /** the username the API server saw (system:serviceaccount:ns:name for a ServiceAccount) */
  user: string;
  groups: string[];
  snapshot: ClusterSnapshot;
  /** one line per list the subject may not make everywhere: the API server's Forbidden message, and where it may */
  forbidden: ViewAsForbidden[];
}
export interface ViewAsForbidden {
  resource: 'pods' | 'services' | 'events' | 'nodes';
  message: string;
  /** namespaces where a SelfSubjectRulesReview allows the list after all (a RoleBinding's namespace) */
  allowedIn: string[];
}
export type ObjectRef = { kind: 'Pod' | 'Node' | 'PersistentVolumeClaim' | 'PersistentVolume'; namespace?: string; name: string };
export interface ObjectDetails {
  yaml: string;
  describe: string;
  events: EventView[];
  logs?: string;
}

export interface ClusterStatus {
  phase: 'starting' | 'ready' | 'stopping' | 'stopped' | 'error';
  message: string;
  /** progress lines since launch, oldest first */
  log: string[];
  server?: string;
  kubeconfigPath?: string;
  /** the cluster profile running (or starting) */
  profile?: string;
}

export interface ApiFieldError {
  field: string;
  message: string;
  reason: string;
  /** 1-based line in the editor's text, when the field could be located */ line?: number;
}
export interface ApplyItemResult {
  index: number;
  kind: string;
  name: string;
  namespace?: string;
  ok: boolean;
  /** "created", "configured", "created (server dry run)" … */
  action?: string;
  /** the API's Status message and field causes on failure */
  error?: { code: number; reason: string; message: string; fields: ApiFieldError[] };
}
export interface ApplyResult {
  ok: boolean;
  dryRun: boolean;
  items: ApplyItemResult[];
}

export interface Settings {
  language: Lang;
  runtime: 'sim' | 'docker';
  fontSize: number;
}
export interface AppInfo {
  version: string;
  mode: 'electron' | 'web';
  dataDir: string;
  platform: string;
  kubectl: { path: string | null; source: 'bundled' | 'system' | null };
  /** helm, for the labs that use it (bundled like kubectl where the build has one) */
  helm: { path: string | null; source: 'bundled' | 'system' | null };
}
/** what Settings shows about Docker: the daemon check, and which nodes of the running cluster use it */
export type DockerStatus = DockerDaemonStatus & { nodes: string[] };
/** the reachability matrix of policed pods on one port (NetworkPolicy) */
export interface NetworkMatrixQuery {
  namespaces?: string[];
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}
export interface NetworkMatrixCell {
  allowed: boolean;
  /** a draft preview: differs from what the cluster enforces now */
  changed?: boolean;
}
/** why one cell is what it is (asked per clicked cell: reasons for a whole matrix cost more than the matrix) */
export interface NetworkCellQuery {
  from: string;
  to: string;
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}
export interface NetworkCellExplanation {
  allowed: boolean;
  reason: string;
  policies: string[];
}
/** a draft NetworkPolicy: the server's dry run, and when it passes the matrix the draft would produce */
export interface NetworkPreviewQuery extends NetworkMatrixQuery {
  yaml: string;
}
export interface NetworkPreview {
  result: ApplyResult;
  matrix?: NetworkMatrixView;
}
export interface NetworkMatrixView {
  /** `namespace/name`: rows are sources, columns destinations */
  pods: string[];
  /** every namespace with policed pods (the filter's choices) */
  namespaces: string[];
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  cells: NetworkMatrixCell[][];
  /** NetworkPolicies in the cluster */
  policies: number;
}
export interface TerminalInfo {
  id: string;
  title: string;
  cols: number;
  rows: number;
  exited: boolean;
  /** a command runs in the foreground (the shell is not at its prompt): "Run in terminal" must not type here */
  busy?: boolean;
}
/** where "Run in terminal" typed the command: a free tab, or a new one (opened: the renderer adds it) */
export interface TerminalRun {
  info: TerminalInfo;
  opened: boolean;
}

/** method name → [params, result] */
export interface ApiMethods {
  'app.info': [void, AppInfo];
  /** checks the Docker daemon now (DOCKER_HOST or the platform default) */
  'runtime.docker': [void, DockerStatus];
  'cluster.status': [void, ClusterStatus];
  'cluster.snapshot': [void, ClusterSnapshot];
  /** subscribes the caller to `cluster.changed` */
  'cluster.watch': [void, ClusterSnapshot];
  'cluster.unwatch': [void, void];
  'cluster.object': [ObjectRef, ObjectDetails];
  'cluster.nodePower': [{ name: string; on: boolean }, void];
  /** the view's lists fetched with impersonation headers as this subject */
  'cluster.viewAs': [ViewAsSubject, ViewAsResult];
  /** wipes the data dir's cluster state and starts a fresh cluster */
  'cluster.reset': [void, void];
  'network.matrix': [NetworkMatrixQuery, NetworkMatrixView];
  /** subscribes the caller to `network.changed` for this query (one query per caller) */
  'network.watch': [NetworkMatrixQuery, NetworkMatrixView];
  'network.unwatch': [void, void];
  /** the path a TCP connection from a pod to a target would take (the connection tester) */
  'network.trace': [ConnectionTestQuery, ConnectionTestResult];
  'network.explain': [NetworkCellQuery, NetworkCellExplanation];
  /** server-side dry run of a draft NetworkPolicy and the matrix it would produce; nothing is applied */
  'network.preview': [NetworkPreviewQuery, NetworkPreview];
  'cluster.profiles': [void, ClusterProfiles];
  /** stops the running cluster and starts the profile's */
  'cluster.useProfile': [{ name: string }, ClusterProfiles];
  'labs.list': [void, Chapter[]];
  'labs.get': [{ id: string }, LabDetail];
  /** refuses (with the reason) when the running cluster does not fit the lab's topology */
  'labs.start': [{ id: string }, LabDetail];
  /** switches to the lab's own cluster profile (created from its topology the first time), then starts the lab */
  'labs.startCluster': [{ id: string }, LabDetail];
  'labs.check': [{ id: string }, CheckResult];
  'labs.hint': [{ id: string; stepId: string; index: number }, HintResult];
  /** with stepId: that step's solution, plus earlier steps whose checks fail; the steps applied are returned */
  'labs.solve': [{ id: string; stepId?: string }, SolveResult];
  /** the step's solution text; the progress log records that it was shown (refused during an exam) */
  'labs.solution': [{ id: string; stepId: string }, SolutionText];
  'labs.reset': [{ id: string }, void];
  /** cancels the lab's solve or reset under way (it stops between actions, ends waits and scripts) */
  'labs.cancel': [{ id: string }, { cancelled: boolean }];
  'labs.active': [void, ActiveLab];
  'labs.report': [void, Report];
  'yaml.apply': [{ yaml: string; dryRun: boolean; namespace?: string }, ApplyResult];
  'term.open': [{ cols: number; rows: number }, TerminalInfo];
  'term.list': [void, TerminalInfo[]];
  /** types a command into a terminal at its prompt: `prefer` if it is free, else another free tab, else a new one */
  'term.run': [{ command: string; prefer?: string; cols?: number; rows?: number }, TerminalRun];
  /** makes the caller the receiver of the terminal's output; returns the recent output to repaint */
  'term.attach': [{ id: string }, { info: TerminalInfo; replay: string }];
  'term.write': [{ id: string; data: string }, void];
  'term.resize': [{ id: string; cols: number; rows: number }, void];
  /** flow control: the renderer has written this many characters to the screen */
  'term.ack': [{ id: string; chars: number }, void];
  'term.close': [{ id: string }, void];
  'settings.get': [void, Settings];
  'settings.set': [Partial<Settings>, Settings];
}
export type Method = keyof ApiMethods;
export type Params<M extends Method> = ApiMethods[M][0];
export type Result<M extends Method> = ApiMethods[M][1];

/** event name → payload (main → renderer) */
export interface ApiEvents {
  'cluster.status': ClusterStatus;
  'cluster.changed': ClusterSnapshot;
  'network.changed': NetworkMatrixView;
  'term.data': { id: string; data: string };
  'term.exit': { id: string; code: number };
  'settings.changed': Settings;
}
export type EventName = keyof ApiEvents;

export const METHODS: readonly Method[] = [
  'app.info',
  'runtime.docker',
  'cluster.status',
  'cluster.snapshot',
  'cluster.watch',
  'cluster.unwatch',
  'cluster.object',
  'cluster.nodePower',
  'cluster.viewAs',
  'cluster.reset',
  'cluster.profiles',
  'cluster.useProfile',
  'network.matrix',
  'network.watch',
  'network.unwatch',
  'network.trace',
  'network.explain',
  'network.preview',
  'labs.list',
  'labs.get',
  'labs.start',
  'labs.startCluster',
  'labs.check',
  'labs.hint',
  'labs.solve',
  'labs.solution',
  'labs.reset',
  'labs.cancel',
  'labs.active',
  'labs.report',
  'yaml.apply',
  'term.open',
  'term.list',
  'term.run',
  'term.attach',
  'term.write',
  'term.resize',
  'term.ack',
  'term.close',
  'settings.get',
  'settings.set',
];
export function isMethod(m: unknown): m is Method {
  return typeof m === 'string' && (METHODS as readonly string[]).includes(m);
}

/** Electron IPC channel names */
export const IPC_INVOKE = 'kubelab:invoke';
export const IPC_EVENT = 'kubelab:event';

/** The object the preload exposes as `window.kubelab` (and the web bridge imitates). */
export interface KubelabBridge {
  invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void;
}

/** Serialisable error crossing the bridge */
export interface BridgeError {
  message: string;
  code?: number;
  reason?: string;
}
