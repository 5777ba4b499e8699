/**
 * `/nginx-ingress-controller` of registry.k8s.io/ingress-nginx/controller as the simulator runs it. Like the real
 * one it talks to the API server as its pod's ServiceAccount (the mounted token, so the add-on's RBAC is what it
 * may do), watches Ingresses, IngressClasses, Services, EndpointSlices and Secrets, rebuilds its routing when they
 * change, writes `status.loadBalancer` of the Ingresses it serves, records their `Sync` events, and serves the
 * traffic (proxy.ts). Flags read: --ingress-class, --controller-class, --watch-ingress-without-class,
 * --publish-status-address, --publish-service.
 */
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Secret, Service } from 'kubernetes-types/core/v1';
import type { IngressLoadBalancerIngress } from 'kubernetes-types/networking/v1';
import * as tls from 'node:tls';
import type { NodePrograms } from '../../runtime/sim/programs';
import type { Program, ProgramContext } from '../../runtime/sim/programs/types';
import { waitForAbort } from '../../runtime/sim/programs/types';
import type { Client } from '../../client/types';
import type { KObject } from '../../api/types';
import { R } from '../../client/resources';
import { createInformerFactory } from '../../client/informer';
import { EventRecorder } from '../../client/event-recorder';
import { klogHeader } from '../../kubelet/static-pods/component-log';
import { selfSignedServerCert } from '../../auth/pki';
import { servedBy, type ClassOptions } from './classes';
import { buildRoutes, type RouteTable } from './routing';
import { IngressProxy } from './proxy';

export const INGRESS_NGINX_IMAGE = 'registry.k8s.io/ingress-nginx/controller';
export const INGRESS_NGINX_VERSION = 'v1.12.1';
const NGINX_VERSION = '1.25.5';
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** an API client for a bearer token (the pod's ServiceAccount), or undefined when the token does not authenticate */
export type TokenClient = (token: string, userAgent: string) => Client | undefined;

let fakeCert: Promise<tls.SecureContext> | undefined;
/** ingress-nginx's default certificate, made at start-up like the controller's own */
function fakeCertificate(): Promise<tls.SecureContext> {
  fakeCert ??= selfSignedServerCert({ cn: 'Kubernetes Ingress Controller Fake Certificate', orgs: ['Acme Co'], dns: ['ingress.local'], days: 365 }).then((p) =>
    tls.createSecureContext({ cert: p.certPem, key: p.keyPem }),
  );
  return fakeCert;
}

function flags(argv: string[]) {
  const get = (name: string) => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
  };
  return {
    classes: {
      ingressClass: get('ingress-class') ?? 'nginx',
      controllerClass: get('controller-class') ?? 'k8s.io/ingress-nginx',
      watchWithoutClass: get('watch-ingress-without-class') === 'true',
    } satisfies ClassOptions,
    publishStatusAddress: get('publish-status-address'),
    publishService: get('publish-service'),
  };
}

async function readToken(ctx: ProgramContext): Promise<string | undefined> {
  try {
    return (await ctx.fs.readFile(TOKEN)).trim();
  } catch {
    return undefined;
  }
}

function controller(connect: TokenClient): Program {
  return async (ctx) => {
    const klog = (sev: 'I' | 'W' | 'E' | 'F', caller: string, msg: string) => ctx.err(`${klogHeader(sev, caller)}${msg}\n`);
    const f = flags(ctx.argv);
    ctx.err(
      `-------------------------------------------------------------------------------\nNGINX Ingress controller\n  Release:       ${INGRESS_NGINX_VERSION}\n  Build:         simulated\n  Repository:    https://github.com/kubernetes/ingress-nginx\n  nginx version: nginx/${NGINX_VERSION}\n\n-------------------------------------------------------------------------------\n\n`,
    );
    const token = await readToken(ctx);
    const client = token ? connect(token, `nginx-ingress-controller/${INGRESS_NGINX_VERSION}`) : undefined;
    if (!client) {
      klog(
        'F',
        'main.go:107',
        `Error while initiating a connection to the Kubernetes API server. This could mean the cluster is misconfigured (e.g. it has invalid API server certificates or Service Accounts configuration). Reason: ${token ? 'Unauthorized' : `open ${TOKEN}: no such file or directory`}`,
      );
      return 255;
    }
    klog('I', 'main.go:205', `"Creating API client" host="https://10.96.0.1:443"`);
    klog('I', 'main.go:248', `"Running in Kubernetes cluster" major="1" minor="33" git="v1.33.4" state="clean" platform="linux/amd64"`);
    const fake = await fakeCertificate();
    klog('I', 'ssl.go:535', `"loading tls certificate" path="/usr/local/certificates/cert" key="/usr/local/certificates/key"`);

    const informers = createInformerFactory(client);
    const ingresses = informers.informer<Ingress & KObject>(R.ingresses);
    const classes = informers.informer<IngressClass & KObject>(R.ingressclasses);
    const services = informers.informer<Service & KObject>(R.services);
    const slices = informers.informer<EndpointSlice & KObject>(R.endpointslices);
    const secrets = informers.informer<Secret & KObject>(R.secrets);
    slices.addIndex('service', (s) => [`${s.metadata?.namespace}/${s.metadata?.labels?.['kubernetes.io/service-name'] ?? ''}`]);
    const events = new EventRecorder(client, { component: 'nginx-ingress-controller', involvedKind: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' } });

    let table: RouteTable = { servers: new Map() };
    let served: Ingress[] = [];
    let synced = false;
    const podName = ctx.env.POD_NAME ?? ctx.container.sandbox.config.name;
    const namespace = ctx.env.POD_NAMESPACE ?? ctx.container.sandbox.config.namespace;

    // what status.loadBalancer.ingress says, as the status syncer computes it
    const address = (): IngressLoadBalancerIngress[] => {
      if (f.publishStatusAddress)
        return f.publishStatusAddress
          .split(',')
          .filter(Boolean)
          .map((a) => (/^[\d.]+$|:/.test(a) ? { ip: a } : { hostname: a }));
      if (f.publishService) {
        const [ns, name] = f.publishService.split('/');
        const svc = services.getByName(ns, name);
        const lb = (svc?.status?.loadBalancer?.ingress ?? []).map((i) => (i.ip ? { ip: i.ip } : { hostname: i.hostname! }));
        return lb.length ? lb : (svc?.spec?.externalIPs ?? []).map((ip) => ({ ip }));
      }
      return nodeIP ? [{ ip: nodeIP }] : [];
    };
    // without a publish flag the status holds the address of the node the controller runs on
    let nodeIP: string | undefined;
    if (!f.publishStatusAddress && !f.publishService) {
      try {
        const node = await client.get(R.nodes, undefined, ctx.container.sandbox.config.nodeName);
        nodeIP = (node.status?.addresses ?? []).find((a: { type: string }) => a.type === 'InternalIP')?.address;
      } catch (e) {
        klog('W', 'status.go:250', `"Error getting node" err="${(e as Error).message}"`);
      }
    }

    const writeStatus = async (ing: Ingress, want: IngressLoadBalancerIngress[]) => {
      const ns = ing.metadata!.namespace!;
      const name = ing.metadata!.name!;
      try {
        // ingress-nginx's RBAC grants `update` on ingresses/status, not patch
        await client.updateStatus(R.ingresses, ns, { ...ing, status: { ...ing.status, loadBalancer: { ingress: want } } } as KObject);
        klog(
          'I',
          'status.go:304',
          `"updating Ingress status" namespace="${ns}" ingress="${name}" currentValue=${JSON.stringify(ing.status?.loadBalancer?.ingress ?? [])} newValue=${JSON.stringify(want)}`,
        );
      } catch (e) {
        klog('W', 'status.go:318', `"error updating ingress rule" err="${(e as Error).message}"`);
        setTimeout(schedule, 1000).unref?.();
      }
    };

    const seen = new Map<string, string>();
    let pending: ReturnType<typeof setTimeout> | undefined;
    const sync = () => {
      pending = undefined;
      const all = classes.list();
      served = ingresses.list().filter((i) => servedBy(i, all, f.classes));
      table = buildRoutes(served);
      const want = address();
      for (const ing of served) {
        const k = `${ing.metadata?.namespace}/${ing.metadata?.name}`;
        if (seen.get(k) !== String(ing.metadata?.generation)) {
          seen.set(k, String(ing.metadata?.generation));
          events.event(ing, 'Normal', 'Sync', 'Scheduled for sync');
        }
        if (JSON.stringify(ing.status?.loadBalancer?.ingress ?? []) !== JSON.stringify(want)) void writeStatus(ing, want);
      }
    };
    const schedule = () => {
      if (synced && !pending && !ctx.signal.aborted) pending = setTimeout(sync, 20);
    };
    for (const inf of [ingresses, classes, services, slices, secrets] as const) {
      inf.onAdd(schedule);
      inf.onUpdate(schedule);
      inf.onDelete(schedule);
    }

    const proxy = new IngressProxy(
      ctx.container.sandbox,
      {
        routes: () => table,
        service: (ns, name) => services.getByName(ns, name),
        slices: (ns, name) => slices.byIndex('service', `${ns}/${name}`),
        secret: (ns, name) => {
          const s = secrets.getByName(ns, name);
          return s?.type === 'kubernetes.io/tls' ? s : undefined;
        },
        annotations: (key) => ingresses.get(key)?.metadata?.annotations ?? {},
      },
      fake,
      (line) => ctx.out(line + '\n'),
      (line) => klog('E', 'proxy.go:1', line),
    );
    let unlisten: () => void;
    try {
      unlisten = proxy.listen(() => synced);
    } catch (e) {
      klog('F', 'nginx.go:322', `listen tcp :80: bind: address already in use (${(e as Error).message})`);
      return 255;
    }
    informers.start();
    await Promise.race([Promise.all([ingresses, classes, services, slices, secrets].map((i) => i.synced())), waitForAbort(ctx.signal)]);
    if (!ctx.signal.aborted) {
      synced = true;
      klog('I', 'nginx.go:317', '"Starting NGINX process"');
      klog('I', 'leaderelection.go:257', `attempting to acquire leader lease ${namespace}/ingress-nginx-leader...`);
      klog('I', 'leaderelection.go:271', `successfully acquired lease ${namespace}/ingress-nginx-leader`);
      klog('I', 'status.go:85', `"New leader elected" identity="${podName}"`);
      sync();
      klog('I', 'controller.go:213', '"Backend successfully reloaded"');
    }
    await waitForAbort(ctx.signal);
    klog('I', 'sigterm.go:36', '"Received SIGTERM, shutting down"');
    if (pending) clearTimeout(pending);
    unlisten();
    informers.stop();
    await events.flush();
    klog('I', 'sigterm.go:47', '"Exiting" code=0');
    return 0;
  };
}

/** the controller binary, in the ingress-nginx controller image only */
export function ingressNginxPrograms(connect: TokenClient): NodePrograms {
  const repositories = [INGRESS_NGINX_IMAGE];
  return {
    'nginx-ingress-controller': { program: controller(connect), repositories },
    // the preStop hook: the real one asks the controller to drain and waits; the simulated controller stops at once
    'wait-shutdown': { program: async () => 0, repositories },
  };
}
