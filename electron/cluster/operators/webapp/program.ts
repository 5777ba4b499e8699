/**
 * `/manager` of docker.io/kubelab/webapp-operator, the sample operator of the course's Operators chapter, as the
 * simulator runs it. Like a kubebuilder operator it talks to the API server as its pod's ServiceAccount (the
 * mounted token: its RBAC is what it may do), watches WebApps and the Deployments and Services they own, and
 * reconciles each WebApp into a Deployment + Service (desired.ts), re-creating children that were deleted and
 * writing status (readyReplicas, observedGeneration, a Ready condition). Every reconcile, write and failure is
 * logged in controller-runtime's development format on stderr, so `kubectl logs deploy/webapp-operator` shows a
 * Forbidden error word for word when its RBAC is broken; failed reconciles are retried with backoff (capped at
 * 5 s so a repaired Role takes effect quickly). WATCH_NAMESPACE limits it to one namespace (unset: all).
 */
import type { Deployment } from 'kubernetes-types/apps/v1';
import type { Service } from 'kubernetes-types/core/v1';
import { randomUUID } from 'node:crypto';
import type { NodePrograms } from '../../runtime/sim/programs';
import type { ProgramContext } from '../../runtime/sim/programs/types';
import { waitForAbort } from '../../runtime/sim/programs/types';
import type { TokenClient } from '../../network/ingress/program';
import type { Client } from '../../client/types';
import type { KObject } from '../../api/types';
import { R } from '../../client/resources';
import { isNotFound } from '../../client/errors';
import { createInformer } from '../../client/informer';
import { EventRecorder } from '../../client/event-recorder';
import { rfc3339 } from '../../api/time';
import { klogHeader } from '../../kubelet/static-pods/component-log';
import {
  MANAGED_BY,
  WEBAPP_GROUP,
  WEBAPPS,
  desiredDeployment,
  desiredService,
  deploymentUpdate,
  isControlledBy,
  readyCondition,
  serviceUpdate,
  type WebApp,
} from './desired';

export const WEBAPP_OPERATOR_IMAGE = 'docker.io/kubelab/webapp-operator';
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const MAX_BACKOFF_MS = 5000;

type Fields = Record<string, unknown>;
/** zap's development console encoder: time, level, logger, message, then the fields as JSON */
function zapLine(level: 'INFO' | 'ERROR', logger: string, msg: string, fields?: Fields): string {
  const f = fields
    ? `\t{${Object.entries(fields)
        .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
        .join(', ')}}`
    : '';
  return `${rfc3339(new Date())}\t${level}\t${logger ? `${logger}\t` : ''}${msg}${f}\n`;
}

/** a work queue of WebApp keys (namespace/name) with one worker and per-key exponential backoff */
class WorkQueue {
  private queued = new Set<string>();
  private failures = new Map<string, number>();
  private wake?: () => void;
  add(key: string): void {
    this.queued.add(key);
    this.wake?.();
  }
  retry(key: string): void {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    setTimeout(() => this.add(key), Math.min(MAX_BACKOFF_MS, 250 * 2 ** (n - 1))).unref?.();
  }
  forget(key: string): void {
    this.failures.delete(key);
  }
  /** the next key, or undefined once `stopped` resolves (one promise for the program's life: no listener per call) */
  async next(signal: AbortSignal, stopped: Promise<void>): Promise<string | undefined> {
    while (!signal.aborted) {
      const [k] = this.queued;
      if (k !== undefined) {
        this.queued.delete(k);
        return k;
      }
      await Promise.race([new Promise<void>((r) => (this.wake = r)), stopped]);
      this.wake = undefined;
    }
    return undefined;
  }
}

async function readToken(ctx: ProgramContext): Promise<string | undefined> {
  try {
    return (await ctx.fs.readFile(TOKEN)).trim();
  } catch {
    return undefined;
  }
}

function manager(connect: TokenClient) {
  return async (ctx: ProgramContext): Promise<number> => {
    const log = (level: 'INFO' | 'ERROR', logger: string, msg: string, fields?: Fields) => ctx.err(zapLine(level, logger, msg, fields));
    const token = await readToken(ctx);
    const client: Client | undefined = token ? connect(token, 'webapp-operator/v0.1.0') : undefined;
    if (!client) {
      log('ERROR', 'setup', 'unable to start manager', { error: token ? 'Unauthorized' : `open ${TOKEN}: no such file or directory` });
      return 1;
    }
    const namespace = ctx.env.WATCH_NAMESPACE || undefined;
    log('INFO', 'setup', 'starting manager', { watchNamespace: namespace ?? '' });
    const base = { controller: 'webapp', controllerGroup: WEBAPP_GROUP, controllerKind: 'WebApp' };

    const managed = { labelSelector: `app.kubernetes.io/managed-by=${MANAGED_BY}` };
    const apps = createInformer<WebApp>(client, WEBAPPS, namespace);
    const deployments = createInformer<Deployment & KObject>(client, R.deployments, namespace, managed);
    const services = createInformer<Service & KObject>(client, R.services, namespace, managed);
    const events = new EventRecorder(client, { component: 'webapp-operator', involvedKind: { apiVersion: `${WEBAPP_GROUP}/v1`, kind: 'WebApp' } });
    const queue = new WorkQueue();
    const keyOf = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    const enqueueOwner = (o: KObject) => {
      const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'WebApp');
      if (owner) queue.add(`${o.metadata.namespace}/${owner.name}`);
    };
    apps.onAdd((a) => queue.add(keyOf(a)));
    apps.onUpdate((_, a) => queue.add(keyOf(a)));
    for (const inf of [deployments, services]) {
      inf.onAdd(enqueueOwner);
      inf.onUpdate((_, o) => enqueueOwner(o));
      inf.onDelete(enqueueOwner);
    }
    for (const source of ['*v1.WebApp', '*v1.Deployment', '*v1.Service'])
      log('INFO', '', 'Starting EventSource', { ...base, source: `kind source: ${source}` });
    log('INFO', '', 'Starting Controller', base);
    apps.start();
    deployments.start();
    services.start();
    // the informers retry a failed list quietly; client-go's reflector logs each failure, so list once every few
    // seconds while a cache is not synced and log what the API server answered
    const reflectorWarnings = setInterval(() => {
      const kinds = [
        [apps, WEBAPPS, '*v1.WebApp'],
        [deployments, R.deployments, '*v1.Deployment'],
        [services, R.services, '*v1.Service'],
      ] as const;
      for (const [inf, r, type] of kinds) {
        if (inf.hasSynced()) continue;
        client.list(r, namespace, { limit: 1 }).catch((e: Error) => {
          ctx.err(
            `${klogHeader('W', 'reflector.go:569')}pkg/mod/k8s.io/client-go@v0.33.0/tools/cache/reflector.go:251: failed to list ${type}: ${e.message}\n`,
          );
        });
      }
    }, 3000);
    await Promise.race([Promise.all([apps.synced(), deployments.synced(), services.synced()]), waitForAbort(ctx.signal)]);
    clearInterval(reflectorWarnings);
    if (!ctx.signal.aborted) log('INFO', '', 'Starting workers', { ...base, 'worker count': 1 });

    /** one child brought to what the WebApp wants: created when missing, updated when it drifted */
    const ensure = async <T extends KObject>(
      kind: 'Deployment' | 'Service',
      r: typeof R.services,
      app: WebApp,
      want: T,
      update: (live: T, want: T) => T | undefined,
      fields: Fields,
    ): Promise<T> => {
      let live: T;
      try {
        live = await client.get<T>(r, app.metadata.namespace, app.metadata.name!);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const made = await client.create<T>(r, app.metadata.namespace, want, { fieldManager: 'webapp-operator' });
        log('INFO', '', `created ${kind}`, { ...fields, [kind]: app.metadata.name });
        events.event(app, 'Normal', 'Created', `Created ${kind} ${app.metadata.name}`);
        return made;
      }
      if (!isControlledBy(live, app))
        throw new Error(`${kind} ${app.metadata.namespace}/${app.metadata.name} exists and is not controlled by WebApp ${app.metadata.name}`);
      const next = update(live, want);
      if (!next) return live;
      const done = await client.update<T>(r, app.metadata.namespace, next, { fieldManager: 'webapp-operator' });
      log('INFO', '', `updated ${kind}`, { ...fields, [kind]: app.metadata.name });
      events.event(app, 'Normal', 'Updated', `Updated ${kind} ${app.metadata.name}`);
      return done;
    };

    const writeStatus = async (app: WebApp, dep: Deployment | undefined, error: string | undefined) => {
      const status = {
        observedGeneration: app.metadata.generation,
        readyReplicas: dep?.status?.readyReplicas ?? 0,
        conditions: [readyCondition(app, dep, error, rfc3339(new Date()))],
      };
      if (JSON.stringify(status) === JSON.stringify(app.status ?? {})) return;
      await client.updateStatus(WEBAPPS, app.metadata.namespace, { ...app, status } as KObject);
    };

    const reconcile = async (key: string) => {
      const [ns, name] = key.split('/');
      const fields = { ...base, WebApp: { name, namespace: ns }, namespace: ns, name, reconcileID: randomUUID() };
      const app = apps.getByName(ns, name);
      if (!app || app.metadata.deletionTimestamp) return;
      log('INFO', '', 'reconciling WebApp', { ...fields, generation: app.metadata.generation });
      let dep: Deployment | undefined;
      try {
        dep = await ensure('Deployment', R.deployments, app, desiredDeployment(app), deploymentUpdate, fields);
        await ensure('Service', R.services, app, desiredService(app), serviceUpdate, fields);
        await writeStatus(app, dep, undefined);
        queue.forget(key);
      } catch (e) {
        const error = (e as Error).message;
        log('ERROR', '', 'Reconciler error', { ...fields, error });
        events.event(app, 'Warning', 'ReconcileError', error);
        try {
          await writeStatus(app, dep, error);
        } catch (se) {
          log('ERROR', '', 'unable to update WebApp status', { ...fields, error: (se as Error).message });
        }
        queue.retry(key);
      }
    };

    const stopped = waitForAbort(ctx.signal);
    while (!ctx.signal.aborted) {
      const key = await queue.next(ctx.signal, stopped);
      if (key !== undefined) await reconcile(key);
    }
    log('INFO', '', 'Stopping and waiting for non leader election runnables');
    apps.stop();
    deployments.stop();
    services.stop();
    await events.flush();
    log('INFO', '', 'Wait completed, proceeding to shutdown the manager');
    return 0;
  };
}

/** the operator binary, in the webapp-operator image only */
export function webAppOperatorPrograms(connect: TokenClient): NodePrograms {
  return { manager: { program: manager(connect), repositories: [WEBAPP_OPERATOR_IMAGE] } };
}
