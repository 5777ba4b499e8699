// kube-apiserver's log audit backend (--audit-policy-file, --audit-log-path): one audit.k8s.io/v1 Event per
// request, as a JSON line, at the stage ResponseComplete, with the annotations admission recorded (Pod Security's
// audit mode). The policy and the log live on the control-plane node, where the node shell shows them:
// /etc/kubernetes/audit-policy.yaml (written with a default when missing, read again when it changes) and
// /var/log/kubernetes/audit/audit.log.
import { randomUUID } from 'node:crypto';
import { appendFile, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeBody } from '../body';
import { parseRequestInfo, type ApiRequest, type ApiResponse } from '../request';
import { DEFAULT_AUDIT_POLICY, parseAuditPolicy, ruleFor, type AuditPolicy } from './policy';

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

  /** records one answered request (an observer of the API server) */
  record(req: ApiRequest, res: ApiResponse, ms: number, annotations: Record<string, string> | undefined): void {
    const policy = this.currentPolicy();
    if (!policy) return;
    const info = parseRequestInfo(req.method, req.path, req.query);
    const rule = ruleFor(policy, req.user, info, req.path);
    if (!rule || rule.level === 'None') return;
    if ([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])].includes('ResponseComplete')) return;
    const now = Date.now();
    const q = req.query.toString();
    const code = 'status' in res ? res.status : 101;
    const body = res.kind === 'json' ? (res.body as { kind?: string; status?: string; message?: string; reason?: string } | undefined) : undefined;
    const event: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: rule.level,
      auditID: randomUUID(),
      stage: 'ResponseComplete',
      requestURI: req.path + (q ? `?${q}` : ''),
      verb: info.verb,
      user: { username: req.user.name, ...(req.user.uid ? { uid: req.user.uid } : {}), groups: req.user.groups },
      sourceIPs: ['127.0.0.1'],
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    };
    // a create names its object in the body, which upstream's audit reads back into objectRef
    const wantsBody = rule.level === 'Request' || rule.level === 'RequestResponse';
    const requestObject = wantsBody || (info.verb === 'create' && !info.name) ? requestBody(req) : undefined;
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
    event.responseStatus =
      body?.kind === 'Status' && code >= 300 ? { metadata: {}, status: body.status, message: body.message, reason: body.reason, code } : { metadata: {}, code };
    if (wantsBody && requestObject !== undefined) event.requestObject = requestObject;
    if (rule.level === 'RequestResponse' && body !== undefined) event.responseObject = body;
    event.requestReceivedTimestamp = micro(now - ms);
    event.stageTimestamp = micro(now);
    if (annotations && Object.keys(annotations).length) event.annotations = annotations;
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
