// The app's services against a real in-process cluster, through a Session exactly as the renderer uses them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices, Session } from './services';
import type { ApiEvents, EventName } from './ipc-contract';
import { waitFor } from '../../test/harness';
import { fixtureAppServices, type AppFixture } from '../../test/app-fixture';
import { verifyReport } from '../lab-engine/report';
import { UI_USER } from './cluster-view';
import type { Pod } from 'kubernetes-types/core/v1';

let app: AppFixture;
let services: AppServices;
let session: Session;
const events: { event: EventName; payload: ApiEvents[EventName] }[] = [];

beforeAll(async () => {
  app = fixtureAppServices('app');
  services = app.services;
  session = services.connect((event, payload) => events.push({ event, payload }));
  await services.start();
});
afterAll(async () => {
  session?.dispose();
  await app?.dispose();
});

describe('app services', () => {
  it('reports start-up progress and lists the 30 chapters', async () => {
    const st = await session.call('cluster.status', undefined);
    expect(st.phase).toBe('ready');
    expect(st.log.some((l) => l.includes('starting the cluster'))).toBe(true);
    const chapters = await session.call('labs.list', undefined);
    expect(chapters).toHaveLength(30);
    expect(chapters[0].labs.map((l) => l.id)).toContain('01-first-look');
  });

  it('dry-runs and applies YAML, returning the API field errors with their lines', async () => {
    const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\ndata:\n  a: b\n';
    const r1 = await session.call('yaml.apply', { yaml: bad, dryRun: true });
    expect(r1.ok).toBe(false);
    expect(r1.items[0].error?.code).toBe(422);
    expect(r1.items[0].error?.fields[0]).toMatchObject({ field: 'metadata.name', line: 4 });

    const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ui-cm\ndata:\n  a: b\n---\napiVersion: v1\nkind: Nope\nmetadata:\n  name: x\n';
    const dry = await session.call('yaml.apply', { yaml: good, dryRun: true });
    expect(dry.items[0]).toMatchObject({ ok: true, action: 'created (server dry run)' });
    expect(dry.items[1]).toMatchObject({ ok: false, error: { code: 404 } });
    await expect(session.call('cluster.object', { kind: 'Pod', namespace: 'default', name: 'nope' })).rejects.toThrow(/not found/);
    const real = await session.call('yaml.apply', { yaml: good.split('---')[0], dryRun: false });
    expect(real.items[0]).toMatchObject({ ok: true, action: 'created' });
    const again = await session.call('yaml.apply', { yaml: good.split('---')[0], dryRun: false });
    expect(again.items[0].action).toBe('unchanged');
  });

  it('marks the fields strict decoding rejects on their lines', async () => {
    const unknown = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict-cm\n  labelz: {a: b}\ndata:\n  a: b\n';
    const r = await session.call('yaml.apply', { yaml: unknown, dryRun: true });
    expect(r.items[0].error?.code).toBe(400);
    expect(r.items[0].error?.fields).toEqual([expect.objectContaining({ field: 'metadata.labelz', reason: 'FieldValueUnknown', line: 5 })]);
  });

  it('pushes cluster changes to watchers', async () => {
    const snap = await session.call('cluster.watch', undefined);
    expect(snap.nodes.length).toBeGreaterThan(0);
    await session.call('yaml.apply', {
      yaml: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: watched\nspec:\n  containers:\n  - name: c\n    image: nginx\n',
      dryRun: false,
    });
    await waitFor(
      () =>
        events.some(
          (e) => e.event === 'cluster.changed' && (e.payload as ApiEvents['cluster.changed']).pods.some((p) => p.name === 'watched' && p.status === 'Running'),
        ),
      { what: 'pod watched Running in a pushed snapshot' },
    );
    const d = await session.call('cluster.object', { kind: 'Pod', namespace: 'default', name: 'watched' });
    expect(d.yaml).toContain('name: watched');
    expect(d.events.map((e) => e.reason)).toContain('Scheduled');
  });

  it('shows a claim with the volume it is bound to and the pod that mounts it', async () => {
    const snap = await session.call('cluster.watch', undefined);
    expect(snap.storage.classes).toContainEqual(expect.objectContaining({ name: 'standard', isDefault: true, bindingMode: 'WaitForFirstConsumer' }));
    await session.call('yaml.apply', {
      yaml: [
        'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: shown\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}',
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: mounter\nspec:\n  containers: [{name: c, image: busybox, command: [sleep, "3600"], volumeMounts: [{name: d, mountPath: /d}]}]\n  volumes: [{name: d, persistentVolumeClaim: {claimName: shown}}]',
      ].join('\n---\n'),
      dryRun: false,
    });
    const last = await waitFor(
      () => {
        const s = events.findLast((e) => e.event === 'cluster.changed')?.payload as ApiEvents['cluster.changed'] | undefined;
        const c = s?.storage.claims.find((x) => x.name === 'shown');
        const v = s?.storage.volumes.find((x) => x.claim === 'default/shown');
        return c?.status === 'Bound' && v?.attachments.some((a) => a.attached) ? s : undefined;
      },
      { what: 'claim shown Bound, its volume attached, in a pushed snapshot' },
    );
    const claim = last!.storage.claims.find((x) => x.name === 'shown')!;
    expect(claim).toMatchObject({ volume: `pvc-${claim.uid}`, usedBy: ['mounter'], storageClass: 'standard', capacity: '1Gi' });
    const vol = last!.storage.volumes.find((x) => x.name === claim.volume)!;
    expect(vol).toMatchObject({ status: 'Bound', source: 'hostpath.csi.k8s.io', node: claim.selectedNode, reclaimPolicy: 'Delete' });
    const d = await session.call('cluster.object', { kind: 'PersistentVolume', name: vol.name });
    expect(d.yaml).toContain(`name: ${vol.name}`);
  });

  it('lists what this computer reaches on 127.0.0.1: a new NodePort as soon as it is published', async () => {
    await session.call('cluster.watch', undefined);
    await session.call('yaml.apply', {
      yaml: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: from-host\nspec:\n  type: NodePort\n  selector: {run: watched}\n  ports: [{port: 80}]\n',
      dryRun: false,
    });
    const entry = await waitFor(
      () => {
        const s = events.findLast((e) => e.event === 'cluster.changed')?.payload as ApiEvents['cluster.changed'] | undefined;
        return s?.hostPorts?.find((h) => h.service === 'default/from-host');
      },
      { what: 'the NodePort of default/from-host among the host ports of a pushed snapshot' },
    );
    expect(entry!.url).toBe(`http://127.0.0.1:${entry!.nodePort}`);
    expect(entry!.nodePort).toBeGreaterThanOrEqual(30000);
  });

  it('grades a lab, gives hints, solves it and signs the report', async () => {
    const before = await session.call('labs.check', { id: '01-first-look' });
    expect(before.steps.map((s) => s.passed)).toEqual([true, false, false]);
    // the author's message for the learner; the grader's own account only in the detail
    expect(before.steps[1].checks[0].message.en).toBe('Create the namespace lab01.');
    expect(before.steps[1].checks[0].detail).toMatch(/lab01.*not found/);
    const h = await session.call('labs.hint', { id: '01-first-look', stepId: 'namespace', index: 1 });
    expect(h).toMatchObject({ index: 1, total: 2 });
    await session.call('labs.solve', { id: '01-first-look' });
    const after = await waitFor(
      async () => {
        const r = await session.call('labs.check', { id: '01-first-look' });
        return r.passed ? r : undefined;
      },
      { what: 'lab passes after solve' },
    );
    expect(after!.steps.every((s) => s.passed)).toBe(true);
    const report = await session.call('labs.report', undefined);
    const signed = JSON.parse(report.content);
    expect(signed.labs[0]).toMatchObject({ id: '01-first-look', passed: 3 });
    expect(verifyReport(signed).valid).toBe(true);
    expect(verifyReport({ ...signed, labs: [{ ...signed.labs[0], passed: 2 }] }).valid).toBe(false);
  });

  it("shows a step's solution as text (recorded), and applying it replaces the student's own conflicting pod, saying so", async () => {
    const sol = await session.call('labs.solution', { id: '01-first-look', stepId: 'pod' });
    expect(sol.text.en).toMatch(/kubectl apply -f - <<'EOF'[\s\S]*name: web/);
    // the student's own pod web, with another container name: the solution's pod cannot be merged into it
    const pods = { group: '', version: 'v1', resource: 'pods' };
    const admin = (await services.host.ready()).client(UI_USER, 'services-test');
    await admin.delete(pods, 'lab01', 'web', { gracePeriodSeconds: 0 });
    await waitFor(
      () =>
        admin.get(pods, 'lab01', 'web').then(
          () => false,
          () => true,
        ),
      { what: 'pod web gone' },
    );
    const mine = await session.call('yaml.apply', {
      yaml: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: lab01\nspec:\n  containers:\n  - name: main\n    image: nginx\n',
      dryRun: false,
    });
    expect(mine.ok).toBe(true);
    const r = await session.call('labs.solve', { id: '01-first-look', stepId: 'pod' });
    expect(r.applied).toEqual(['pod']);
    expect(r.replaced).toHaveLength(1);
    expect(r.replaced[0].en).toMatch(/^Your Pod lab01\/web could not be changed into the solution's \(.+\), so it was deleted/);
    const pod = (await admin.get(pods, 'lab01', 'web')) as Pod;
    expect(pod.spec?.containers.map((x) => x.name)).toEqual(['web']);
    const report = JSON.parse((await session.call('labs.report', undefined)).content);
    expect(report.labs[0].solutionShown).toEqual(['pod']);
    expect(report.labs[0].log.filter((e: { type: string }) => e.type === 'solution-shown')).toEqual([expect.objectContaining({ step: 'pod' })]);
  });

  it('opens a terminal whose kubectl reaches the cluster', async () => {
    const t = await session.call('term.open', { cols: 100, rows: 30 });
    await session.call('term.write', { id: t.id, data: 'kubectl get ns lab01 -o name\r' });
    await waitFor(
      () =>
        events
          .filter((e) => e.event === 'term.data')
          .map((e) => (e.payload as { data: string }).data)
          .join('')
          .includes('namespace/lab01'),
      { what: 'kubectl output in the terminal' },
    );
    await session.call('term.close', { id: t.id });
  });

  it('reports the Docker daemon check for Settings, and no Docker nodes on a simulated cluster', async () => {
    const d = await session.call('runtime.docker', undefined);
    expect(d.nodes).toEqual([]);
    expect(d.endpoint).toBe(process.env.DOCKER_HOST ?? (process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock'));
    if (d.available) expect(d.apiVersion).toMatch(/^\d+\.\d+$/);
    else expect(d.error).toContain(d.endpoint.replace(/^unix:\/\//, ''));
  });

  it('keeps settings', async () => {
    // an out-of-range value is refused as a whole, naming the field, and changes nothing
    await expect(session.call('settings.set', { language: 'zh', fontSize: 99 })).rejects.toThrow(
      'settings.set: params.fontSize: must be an integer from 9 to 32',
    );
    expect(await session.call('settings.get', undefined)).toMatchObject({ language: 'en', fontSize: 14 });
    const s = await session.call('settings.set', { language: 'zh' });
    expect(s).toMatchObject({ language: 'zh', fontSize: 14 });
    expect(events.some((e) => e.event === 'settings.changed')).toBe(true);
  });
});
