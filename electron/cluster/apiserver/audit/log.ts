// kube-apiserver's log audit backend (--audit-policy-file, --audit-log-path): audit.k8s.io/v1 Events as JSON lines,
// one per stage of a request (RequestReceived, ResponseStarted for long-running requests, ResponseComplete, or Panic
// when the handler failed unexpectedly; the stages a policy omits left out), with the annotations admission recorded (Pod Security's audit mode).
// audited-api.ts drives the stages around the API server's handler. The policy and the log live on the control-plane node, where the node shell shows them:
// /etc/kubernetes/audit-policy.yaml (written with a default when missing, read again when it changes) and
// /var/log/kubernetes/audit/audit.log.
import { randomUUID } from 'node:crypto';
import { appendFile, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeBody } from '../body';
import { parseRequestInfo, type ApiRequest, type ApiResponse, type RequestInfo } from '../request';
import { DEFAULT_AUDIT_POLICY, parseAuditPolicy, ruleFor, type AuditLevel, type AuditPolicy } from './policy';

export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

/** what the audit keeps of a request between its stages (one auditID for all of them) */
export interface AuditedRequest {
  req: ApiRequest;
  info: RequestInfo;
  level: AuditLevel;
  omit: Set<string>;
  auditID: string;
  received: number;
}

export const AUDIT_POLICY_PATH = '/etc/kubernetes/audit-policy.yaml';
export const AUDIT_LOG_PATH = '/var/log/kubernetes/audit/audit.log';
/** like --audit-log-maxsize: a full log moves to audit.log.1 (one backup) and a new one starts */
const MAX_LOG_BYTES = 50 * 1024 * 1024;

/** RFC 3339 with microseconds, as audit events carry their timestamps */
const micro = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_m, f: string) => `.${f}000Z`);

/** the request's body as the handler decoded it; none when it has none or it could not be decoded (the request failed) */
function requestBody(req: ApiRequest): unknown {
  if (req.bodyObject !== undefined) return req.bodyObject;
  if (!req.body?.length) return undefined;
  try {
    return decodeBody(req);
  } catch {
    // the handler answered this body's error already; the event goes without it
    return undefined;
  }
}

export class AuditLog {
  private policy?: AuditPolicy;
  private policyMtime = -1;
  private checkedAt = 0;
  private queue: string[] = [];
  private writing = false;
  private size = 0;
  private readonly policyFile: string;
  private readonly logFile: string;

  /** hostRoot: the control-plane node's root folder */
  constructor(
    hostRoot: string,
    private readonly log: (line: string) => void,
  ) {
    this.policyFile = join(hostRoot, AUDIT_POLICY_PATH);
    this.logFile = join(hostRoot, AUDIT_LOG_PATH);
    if (!existsSync(this.policyFile)) {
      mkdirSync(dirname(this.policyFile), { recursive: true });
      writeFileSync(this.policyFile, DEFAULT_AUDIT_POLICY);
    }
    mkdirSync(dirname(this.logFile), { recursive: true });
    this.size = existsSync(this.logFile) ? statSync(this.logFile).size : 0;
  }

  /** the policy, re-read at most once a second when the file changed; none (nothing audited) when it is unusable */
  private currentPolicy(): AuditPolicy | undefined {
    const now = Date.now();
    if (now - this.checkedAt < 1000) return this.policy;
    this.checkedAt = now;
    let mtime: number;
    try {
      mtime = statSync(this.policyFile).mtimeMs;
    } catch {
      this.policy = undefined;
      this.policyMtime = -1;
      return undefined;
    }
    if (mtime === this.policyMtime) return this.policy;
    this.policyMtime = mtime;
    try {
      this.policy = parseAuditPolicy(readFileSync(this.policyFile, 'utf8'));
    } catch (err) {
      this.log(`audit: ${AUDIT_POLICY_PATH}: ${(err as Error).message}; nothing is audited until it is fixed`);
      this.policy = undefined;
    }
    return this.policy;
  }

  /**
   * a request as it arrives: the policy decides its level once, and the RequestReceived event is written (unless a
   * policy or rule omitStages leaves it out); undefined when the request is not audited
   */
  begin(req: ApiRequest): AuditedRequest | undefined {
    const policy = this.currentPolicy();
    if (!policy) return undefined;
    const info = parseRequestInfo(req.method, req.path, req.query);
    const rule = ruleFor(policy, req.user, info, req.path);
    if (!rule || rule.level === 'None') return undefined;
    const a: AuditedRequest = {
      req,
      info,
      level: rule.level,
      omit: new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])]),
      auditID: randomUUID(),
      received: Date.now(),
    };
    this.emit(a, 'RequestReceived');
    return a;
  }

  /**
   * one stage of an audited request: RequestReceived carries what the URL says; ResponseStarted (long-running
   * requests, once the status is known) adds the response status and, at level Request and above, the request body;
   * ResponseComplete adds the response body at RequestResponse and admission's annotations
   */
  emit(a: AuditedRequest, stage: AuditStage, res?: ApiResponse, annotations?: Record<string, string>): void {
    if (a.omit.has(stage)) return;
    const { req, info, level } = a;
    const q = req.query.toString();
    const event: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: a.auditID,
      stage,
      requestURI: req.path + (q ? `?${q}` : ''),
      verb: info.verb,
      user: { username: req.user.name, ...(req.user.uid ? { uid: req.user.uid } : {}), groups: req.user.groups },
      sourceIPs: ['127.0.0.1'],
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    };
    const answered = stage !== 'RequestReceived';
    // the body is decoded by the handler, after the request was received; a create names its object in it, which
    // upstream's audit reads back into objectRef
    const wantsBody = level === 'Request' || level === 'RequestResponse';
    const requestObject = answered && (wantsBody || (info.verb === 'create' && !info.name)) ? requestBody(req) : undefined;
    const name = info.name || (info.verb === 'create' ? (requestObject as { metadata?: { name?: string } } | undefined)?.metadata?.name : undefined);
    if (info.isResourceRequest)
      event.objectRef = {
        resource: info.resource,
        ...(info.namespace ? { namespace: info.namespace } : {}),
        ...(name ? { name } : {}),
        ...(info.apiGroup ? { apiGroup: info.apiGroup } : {}),
        apiVersion: info.apiVersion,
        ...(info.subresource ? { subresource: info.subresource } : {}),
      };
    const body = res?.kind === 'json' ? (res.body as { kind?: string; status?: string; message?: string; reason?: string } | undefined) : undefined;
    if (res) {
      const code = 'status' in res ? res.status : 101;
      event.responseStatus =
        body?.kind === 'Status' && code >= 300
          ? { metadata: {}, status: body.status, message: body.message, reason: body.reason, code }
          : { metadata: {}, code };
    }
    if (wantsBody && requestObject !== undefined) event.requestObject = requestObject;
    if (stage === 'ResponseComplete' && level === 'RequestResponse' && body !== undefined) event.responseObject = body;
    event.requestReceivedTimestamp = micro(a.received);
    // upstream stamps RequestReceived with the time the request was received
    event.stageTimestamp = micro(answered ? Date.now() : a.received);
    if (answered && annotations && Object.keys(annotations).length) event.annotations = annotations;
    this.queue.push(JSON.stringify(event) + '\n');
    this.flush();
  }

  /** appends in order, one write at a time */
  private flush(): void {
    if (this.writing || !this.queue.length) return;
    this.writing = true;
    const chunk = this.queue.join('');
    this.queue = [];
    if (this.size + chunk.length > MAX_LOG_BYTES) {
      try {
        renameSync(this.logFile, `${this.logFile}.1`);
      } catch (err) {
        this.log(`audit: rotating ${AUDIT_LOG_PATH}: ${(err as Error).message}`);
      }
      this.size = 0;
    }
    this.size += chunk.length;
    appendFile(this.logFile, chunk, (err) => {
      this.writing = false;
      if (err) this.log(`audit: writing ${AUDIT_LOG_PATH}: ${err.message}`);
      this.flush();
    });
  }
}
