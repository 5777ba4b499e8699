// The shape of a lab once loaded: what lab.yaml and its Markdown files describe (see labs/README.md).
export type Lang = 'en' | 'zh';
export const LANGS: Lang[] = ['en', 'zh'];
export type Text = Record<Lang, string>;

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
}

/** a pod picked by name or by label selector (the first Running one wins) */
export interface PodPick {
  namespace?: string;
  pod?: string;
  selector?: string;
  container?: string;
}

interface CheckBase {
  /** shown before the computed detail when the check fails */
  message?: Text;
  /** how long to keep retrying before declaring failure, e.g. "30s" (default 0: evaluate once) */
  timeoutMs?: number;
  /** where the check was declared, for messages */
  where: string;
}
export interface AssertCheck extends CheckBase {
  type: 'assert';
  object: Record<string, unknown>;
  selector?: string;
}
export interface ErrorCheck extends CheckBase {
  type: 'error';
  object: Record<string, unknown>;
  selector?: string;
}
export interface ExecCheck extends CheckBase {
  type: 'exec';
  target: PodPick;
  command: string[];
  /** recorded: the command's output must equal what the student wrote into that ConfigMap key */
  expect: { exitCode?: number; stdout?: string; stderr?: string; recorded?: { configMap: string; key: string; namespace?: string } };
}
export interface CanICheck extends CheckBase {
  type: 'canI';
  user?: string;
  groups?: string[];
  serviceAccount?: string;
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  expect: boolean;
}
export interface ConnectCheck extends CheckBase {
  type: 'connect';
  from: PodPick;
  host: string;
  port: number;
  protocol: 'tcp' | 'http';
  /** the target given as a pod (its pod IP at check time) instead of a host name */
  toPod?: PodPick;
  expect: 'allowed' | 'denied';
}
export interface EventCheck extends CheckBase {
  type: 'event';
  namespace?: string;
  reason: string;
  involvedObject?: { kind?: string; name?: string };
  messagePattern?: string;
  /** the event must have happened at least `seconds` after a time read from another object (e.g. when a taint was set) */
  after?: EventAfter;
}
export interface EventAfter {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  selector?: string;
  /** JMESPath giving an RFC 3339 time (or a list of them: the latest counts) */
  time: string;
  seconds: number;
  /** what that time is, in words, for the grader's message */
  what: { en: string; zh: string };
}
/** the node the picked pod runs on must match the tree (e.g. carry a taint) */
export interface PodNodeCheck extends CheckBase {
  type: 'podNode';
  target: PodPick;
  node: Record<string, unknown>;
}
/**
 * A dry-run create of `object` (nothing is stored): admission must allow or deny it as expected. Grades what the
 * cluster's admission chain (Pod Security, ValidatingAdmissionPolicies, webhooks) really does with a request.
 */
export interface AdmitCheck extends CheckBase {
  type: 'admit';
  object: Record<string, unknown>;
  expect: {
    allowed: boolean;
    /** a regular expression the denial's message must match (expect allowed: false) */
    message?: string;
    /** a regular expression some admission warning must match (allowed: true); false: no warning may come */
    warning?: string | false;
  };
}
/** a shell script in the lab's folder, run in the lab terminal's environment: exit 0 passes, its output is the message
 * (Killercoda's verify.sh) */
export interface ScriptCheck extends CheckBase {
  type: 'script';
  /** absolute path, inside the lab's folder */
  file: string;
}
export type Check = AssertCheck | ErrorCheck | ExecCheck | CanICheck | ConnectCheck | EventCheck | PodNodeCheck | AdmitCheck | ScriptCheck;

/** something the engine does to the cluster: setup, solutions and cleanup are lists of these */
export type Action =
  | { type: 'apply'; manifests: Record<string, unknown>[]; where: string }
  | { type: 'delete'; ref: ObjectRef; where: string }
  | { type: 'run'; script: string; where: string }
  | { type: 'exec'; target: PodPick; command: string[]; where: string }
  | { type: 'wait'; checks: Check[]; timeoutMs: number; where: string };

export interface CodeBlock {
  lang: string;
  mode: 'run' | 'copy' | 'show';
  code: string;
}

export interface Step {
  id: string;
  title: Text;
  /** Markdown per language, from the lab's en.md / zh.md section for this step */
  text: Text;
  blocks: Record<Lang, CodeBlock[]>;
  checks: Check[];
  hints: Text[];
  solution: { text: Text; actions: Action[] };
  /** wrong attempts this step's checks must reject (run by `kubelab lab test`) */
  nearMisses: NearMiss[];
  /** lint findings the author accepts for this step, rule id → why (see lint.ts) */
  lintWaivers: Record<string, string>;
}

/**
 * A mistake students really make, played against the checks: after the previous steps' reference solutions,
 * `actions` must leave this step failing; `undo` (optional) cleans up before the next attempt.
 */
export interface NearMiss {
  mistake: Text;
  actions: Action[];
  undo: Action[];
  /** how long the checks may retry before the attempt counts as caught (default 0: evaluate once) */
  settleMs: number;
  where: string;
}

/** a per-student value drawn from the seed: one of a set, a row of related values ({{name.key}}), or an integer in a range */
export interface LabParameter {
  name: string;
  oneOf?: string[];
  rows?: Record<string, string>[];
  range?: [number, number];
  where: string;
}

export interface TopologyRequirement {
  /** a kind-like cluster config file shipped with the lab (absolute path once loaded) */
  configFile?: string;
  minNodes?: number;
  runtimeHandlers?: string[];
  /** extended resources some node must advertise, e.g. nvidia.com/gpu */
  resources?: string[];
}

export interface Lab {
  id: string;
  dir: string;
  chapter: number;
  title: Text;
  summary: Text;
  intro: Text;
  minutes: number;
  difficulty: 'beginner' | 'intermediate' | 'advanced';
  namespaces: string[];
  cluster: TopologyRequirement;
  /** programs the lab's commands need besides kubectl (e.g. helm): found bundled with the app or on PATH */
  tools: string[];
  setup: Action[];
  steps: Step[];
  cleanup: Action[];
  /** per-student values declared by the lab and the ones drawn for this load */
  parameters: LabParameter[];
  values: Record<string, string>;
  seed: string;
  /** where the lab came from when it was converted (`kubelab lab import` of a Killercoda scenario) */
  source?: 'killercoda';
}

export interface CheckResult {
  ok: boolean;
  message: string;
  type: Check['type'];
}
export interface StepResult {
  id: string;
  title: string;
  ok: boolean;
  checks: CheckResult[];
}
export interface LabResult {
  lab: string;
  ok: boolean;
  passed: number;
  total: number;
  steps: StepResult[];
  at: string;
}
