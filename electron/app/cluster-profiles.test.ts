// A lab with its own topology never starts silently on the wrong cluster: the app says why, and "Start this lab's
// cluster" runs the lab's profile (a separate cluster in the data dir, created from the lab's topology), which the
// app remembers and can switch away from and back to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAppServices, type AppServices, type Session } from './services';
import { createEngineLabBackend } from './engine-lab-backend';
import { kubectlPath } from '../../test/harness';

const LABS = resolve(__dirname, '../../labs');
if (!process.env.KUBECTL && kubectlPath()) process.env.KUBECTL = kubectlPath();
const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-profiles-'));
let services: AppServices;
let session: Session;
const make = () =>
  createAppServices({ dataDir, mode: 'web', cluster: { port: 0 }, shell: '/bin/bash', labs: (ctx) => createEngineLabBackend({ ...ctx, labsDir: LABS }) });

beforeAll(async () => {
  services = make();
  session = services.connect(() => undefined);
  await services.start();
});
afterAll(async () => {
  session?.dispose();
  await services?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cluster profiles', () => {
  it("refuses a topology lab on the default cluster, then runs it on the lab's own cluster", async () => {
    const d = await session.call('labs.get', { id: '19-scheduler-flow' });
    expect(d.cluster).toMatchObject({ profile: '19-scheduler-flow', current: 'default' });
    expect(d.cluster!.problems.map((p) => p.en).join('; ')).toMatch(/no node has the labels topology.kubernetes.io\/zone=zone-a/);
    expect(d.cluster!.problems[0].zh).toMatch(/节点/);
    await expect(session.call('labs.start', { id: '19-scheduler-flow' })).rejects.toThrow(/does not fit lab 19-scheduler-flow.*Start this lab's cluster/);

    const started = await session.call('labs.startCluster', { id: '19-scheduler-flow' });
    expect(started.cluster).toMatchObject({ current: '19-scheduler-flow', problems: [], activeLab: '19-scheduler-flow' });
    expect((await session.call('cluster.status', undefined)).profile).toBe('19-scheduler-flow');
    const names = (await session.call('cluster.snapshot', undefined)).nodes.map((n) => n.name);
    expect(names).toHaveLength(5);
    expect(await session.call('cluster.profiles', undefined)).toMatchObject({
      current: '19-scheduler-flow',
      profiles: [
        { name: 'default', created: true },
        { name: '19-scheduler-flow', created: true, nodes: 5 },
      ],
    });

    // a lab without a topology fits the lab's cluster too; switching back runs the default cluster again
    expect((await session.call('labs.get', { id: '01-cluster-tour' })).cluster!.problems).toEqual([]);
    await expect(session.call('cluster.useProfile', { name: 'nope' })).rejects.toThrow(/no cluster profile "nope"/);
    expect((await session.call('cluster.useProfile', { name: 'default' })).current).toBe('default');
    expect((await session.call('cluster.snapshot', undefined)).nodes).toHaveLength(3);
  });

  it('remembers the profile across launches', async () => {
    await session.call('cluster.useProfile', { name: '19-scheduler-flow' });
    session.dispose();
    await services.stop();
    services = make();
    session = services.connect(() => undefined);
    await services.start();
    expect((await session.call('cluster.status', undefined)).profile).toBe('19-scheduler-flow');
  });
});
