// The connection tester and the network facts the cluster view shows (pod IPs, node pod CIDRs, Services with their
// endpoints), through a Session exactly as the renderer calls them, against a real in-process cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices, type AppServices, type Session } from './services';
import { waitFor } from '../../test/harness';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-conn-'));
let services: AppServices;
let session: Session;

const MANIFESTS = `
apiVersion: v1
kind: Pod
metadata: { name: client, labels: { app: client } }
spec: { containers: [{ name: c, image: busybox, command: [sleep, '3600'] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web } }
spec: { containers: [{ name: web, image: nginx, ports: [{ containerPort: 80 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: empty }
spec: { selector: { app: nobody }, ports: [{ port: 8080 }] }
`;

beforeAll(async () => {
  services = createAppServices({ dataDir, mode: 'web', cluster: { port: 0 }, shell: '/bin/bash' });
  session = services.connect(() => undefined);
  await services.start();
  const r = await session.call('yaml.apply', { yaml: MANIFESTS, dryRun: false, namespace: 'default' });
  expect(r.ok).toBe(true);
  await waitFor(
    async () => {
      const s = await session.call('cluster.snapshot', undefined);
      const running = s.pods.filter((p) => p.namespace === 'default' && p.status === 'Running').length === 2;
      const ready = (name: string) => s.services.find((x) => x.name === name)?.endpoints.some((e) => e.ready);
      return running && ready('web') && ready('kube-dns');
    },
    { what: 'client and web running, web and kube-dns (CoreDNS) with a ready endpoint', timeoutMs: 60_000 },
  );
}, 120_000);
afterAll(async () => {
  session?.dispose();
  await services?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('connection tester', () => {
  it('shows pod IPs, node pod CIDRs and Services with their endpoints in the snapshot', async () => {
    const s = await session.call('cluster.snapshot', undefined);
    const web = s.pods.find((p) => p.name === 'web')!;
    const node = s.nodes.find((n) => n.name === web.nodeName)!;
    expect(node.podCIDR).toMatch(/^10\.244\.\d+\.0\/24$/);
    expect(node.internalIP).toMatch(/^172\.18\.0\.\d+$/);
    expect(web.ip?.startsWith(node.podCIDR!.replace(/0\/24$/, ''))).toBe(true);
    const svc = s.services.find((x) => x.namespace === 'default' && x.name === 'web')!;
    expect(svc).toMatchObject({ type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: '80' }] });
    expect(svc.endpoints).toEqual([{ ip: web.ip, ready: true, nodeName: web.nodeName, pod: 'web' }]);
    expect(s.services.find((x) => x.name === 'empty')!.endpoints).toEqual([]);
  });

  it('traces a Service name: DNS answer, the VIP, the chosen endpoint, the node hop, delivery', async () => {
    const s = await session.call('cluster.snapshot', undefined);
    const web = s.pods.find((p) => p.name === 'web')!;
    const vip = s.services.find((x) => x.name === 'web')!.clusterIP;
    const r = await session.call('network.trace', {
      from: { namespace: 'default', name: 'client' },
      to: { kind: 'service', namespace: 'default', name: 'web', port: 80 },
    });
    expect(r.outcome).toBe('connected');
    expect(r.hops.map((h) => h.kind)).toEqual(['source', 'dns', 'service', 'route', 'policy', 'deliver']);
    expect(r.hops.every((h) => h.ok)).toBe(true);
    expect(r.hops[1].text).toBe(`web → ${vip}`);
    expect(r.hops[2].text).toBe(`default/web ${vip}:80 -> ${web.ip}:80 on ${web.nodeName}`);
    expect(r.hops[5].text).toBe(`${web.ip}:80`);
  });

  it('reports REJECT for a Service without endpoints, and an unresolvable name', async () => {
    const r = await session.call('network.trace', {
      from: { namespace: 'default', name: 'client' },
      to: { kind: 'service', namespace: 'default', name: 'empty', port: 8080 },
    });
    expect(r.outcome).toBe('refused');
    expect(r.hops.at(-1)).toMatchObject({ kind: 'service', ok: false, text: 'default/empty has no endpoints: REJECT' });
    const u = await session.call('network.trace', { from: { namespace: 'default', name: 'client' }, to: { kind: 'address', host: 'nope.invalid', port: 80 } });
    expect(u.outcome).toBe('unresolved');
    expect(u.hops.at(-1)).toMatchObject({ kind: 'dns', ok: false });
  });

  it('names the NetworkPolicy that drops a connection', async () => {
    const np = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-from-friends, namespace: default }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: friend } } }] }]
`;
    expect((await session.call('yaml.apply', { yaml: np, dryRun: false })).ok).toBe(true);
    const r = (await waitFor(
      async () => {
        const t = await session.call('network.trace', {
          from: { namespace: 'default', name: 'client' },
          to: { kind: 'pod', namespace: 'default', name: 'web', port: 80 },
        });
        return t.outcome === 'timeout' ? t : undefined;
      },
      { what: 'the policy to drop client → web' },
    ))!;
    expect(r.policies).toEqual(['default/web-from-friends']);
    expect(r.hops.at(-1)).toMatchObject({ kind: 'policy', ok: false });
    expect(r.hops.at(-1)!.text).toContain('default/web-from-friends');
  });

  it('rejects bad queries with a clear error', async () => {
    await expect(
      session.call('network.trace', { from: { namespace: 'default', name: 'client' }, to: { kind: 'address', host: 'web', port: 70000 } }),
    ).rejects.toThrow('network.trace: params.to.port: must be an integer from 1 to 65535, got number 70000');
    await expect(
      session.call('network.trace', { from: { namespace: 'default', name: 'ghost' }, to: { kind: 'address', host: 'web', port: 80 } }),
    ).rejects.toThrow('pods "ghost" not found');
  });
});
