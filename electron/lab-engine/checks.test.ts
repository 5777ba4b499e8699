// The check types against objects created directly on an embedded cluster, including their failure messages.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../test/harness';
import { readKubeconfig } from './kubeconfig';
import { KubeClient } from './kube-client';
import { runCheck, type CheckContext } from './checks';
import type { Check } from './types';

let tc: TestCluster;
let kube: KubeClient;
let ctx: CheckContext;
const NS = 'checks';
const where = 'test';

beforeAll(async () => {
  tc = await startTestCluster({ nodes: 2 });
  kube = new KubeClient(readKubeconfig(tc.kubeconfig));
  ctx = { kube, namespace: NS, lang: 'en' };
  for (const o of [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: NS } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pod-reader', namespace: NS },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'reader', namespace: NS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: NS }],
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: NS, labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: NS, labels: { app: 'client' } },
      spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'huge', namespace: NS },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'huge' } },
        template: {
          metadata: { labels: { app: 'huge' } },
          spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], resources: { requests: { cpu: '1000' } } }] },
        },
      },
    },
  ])
    await kube.apply(o);
}, 60_000);
afterAll(async () => {
  kube?.close();
  await tc?.stop();
});

const podsRunning = () =>
  waitFor(
    async () => {
      const l = await kube.list('v1', 'Pod', NS);
      return l.items.filter((p: any) => p.status?.phase === 'Running').length >= 2;
    },
    { timeoutMs: 30_000, what: 'pods web and client running' },
  ).then(
    () => true,
    () => false,
  );

describe('checks', () => {
  it('assert explains a Deployment that is not ready and a missing object', async () => {
    const r = await runCheck(
      { type: 'assert', where, object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'huge' }, status: { readyReplicas: 3 } } },
      ctx,
    );
    expect(r).toMatchObject({ ok: false, message: 'Deployment huge has 0/3 ready replicas' });
    const missing = await runCheck(
      { type: 'assert', where, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } }, message: { en: 'Create it.', zh: '创建它。' } },
      ctx,
    );
    expect(missing.message).toBe('Create it. — ConfigMap nope not found in namespace checks');
    const zh = await runCheck(
      { type: 'assert', where, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } }, message: { en: 'Create it.', zh: '创建它。' } },
      { ...ctx, lang: 'zh' },
    );
    expect(zh.message.startsWith('创建它。')).toBe(true);
  });

  it('assert without a name matches any object selected by labels; lists support expressions', async () => {
    expect(
      (
        await runCheck(
          {
            type: 'assert',
            where,
            object: {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { labels: { app: 'web' } },
              spec: { "~.(containers[?name == 'nginx'])": { image: 'nginx:1.25' } },
            },
          },
          ctx,
        )
      ).ok,
    ).toBe(true);
    expect(
      (await runCheck({ type: 'assert', where, selector: 'app in (web,client)', object: { apiVersion: 'v1', kind: 'PodList', '(length(items))': 2 } }, ctx)).ok,
    ).toBe(true);
  });

  it('error passes only while the object is absent', async () => {
    expect((await runCheck({ type: 'error', where, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ghost' } } }, ctx)).ok).toBe(true);
    const r = await runCheck({ type: 'error', where, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } } }, ctx);
    expect(r).toMatchObject({ ok: false, message: 'Pod web in namespace checks exists but should not' });
  });

  it('canI asks a SubjectAccessReview for a user or a service account', async () => {
    expect(
      await runCheck({ type: 'canI', where, user: 'root-like', groups: ['system:masters'], verb: 'delete', resource: 'pods', expect: true }, ctx),
    ).toMatchObject({ ok: true });
    expect(await runCheck({ type: 'canI', where, user: 'nobody', verb: 'get', resource: 'secrets', expect: false }, ctx)).toMatchObject({
      ok: true,
      message: 'nobody cannot get secrets in namespace checks, as expected',
    });
    const del = await runCheck({ type: 'canI', where, serviceAccount: `${NS}/reader`, resource: 'pods', namespace: NS, verb: 'delete', expect: true }, ctx);
    expect(del).toMatchObject({ ok: false, message: `system:serviceaccount:${NS}:reader cannot delete pods in namespace ${NS}, but it should be allowed` });
  });

  it('event finds an event by reason and object, with a message pattern', async () => {
    const c: Check = {
      type: 'event',
      where,
      reason: 'FailedScheduling',
      involvedObject: { kind: 'Pod', name: 'huge-*' },
      messagePattern: 'Insufficient cpu',
      timeoutMs: 20_000,
    };
    expect((await runCheck(c, ctx)).ok).toBe(true);
    const none = await runCheck({ type: 'event', where, reason: 'NoSuchReason', involvedObject: { kind: 'Pod', name: 'web' } }, ctx);
    expect(none.message).toBe('no NoSuchReason event for Pod web in namespace checks');
  });

  it('event with `after` needs the event to come the given seconds after a time another object records', async () => {
    const t0 = Date.parse('2026-01-01T10:00:00Z');
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    await kube.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'clock', namespace: NS, labels: { clock: 'yes' }, annotations: { since: iso(t0) } },
    });
    const event = (name: string, at: number) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: NS },
      involvedObject: { kind: 'Pod', name: 'late', namespace: NS },
      reason: 'LabTimed',
      message: 'x',
      type: 'Normal',
      firstTimestamp: iso(at),
      lastTimestamp: iso(at),
      source: { component: 'test' },
    });
    await kube.apply(event('late.early', t0 + 1000));
    const c: Check = {
      type: 'event',
      where,
      reason: 'LabTimed',
      involvedObject: { kind: 'Pod', name: 'late' },
      after: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        selector: 'clock=yes',
        time: 'metadata.annotations.since',
        seconds: 6,
        what: { en: 'the clock started', zh: '时钟开始' },
      },
    };
    expect(await runCheck(c, ctx)).toMatchObject({
      ok: false,
      message: 'the LabTimed event for Pod late came 1s after the clock started; it should come at least 6s after',
    });
    await kube.apply(event('late.later', t0 + 10_000));
    expect(await runCheck(c, ctx)).toMatchObject({ ok: true, message: 'event LabTimed for Pod late came 10s after the clock started' });
    const missing = await runCheck({ ...c, after: { ...c.after!, time: 'metadata.annotations.nothing' } } as Check, ctx);
    expect(missing).toMatchObject({ ok: false, message: 'the clock started is not recorded on ConfigMap -l clock=yes' });
  });

  it('exec runs a command over the WebSocket and reports exit codes and output', async (t) => {
    if (!(await podsRunning())) {
      console.warn('skipping exec checks: pods do not run yet on this build');
      t.skip();
    }
    expect((await runCheck({ type: 'exec', where, target: { pod: 'client' }, command: ['hostname'], expect: { stdout: '^client$' } }, ctx)).ok).toBe(true);
    const bad = await runCheck({ type: 'exec', where, target: { selector: 'app=client' }, command: ['sh', '-c', 'echo oops >&2; exit 3'], expect: {} }, ctx);
    expect(bad).toMatchObject({ ok: false, message: '`sh -c echo oops >&2; exit 3` in pod client exited with 3, expected 0 (stderr: oops)' });
    const out = await runCheck({ type: 'exec', where, target: { pod: 'client' }, command: ['echo', 'x'], expect: { stdout: '^y$' } }, ctx);
    expect(out.message).toBe('`echo x` in pod client printed "x", which does not match /^y$/');
  });

  it('connect reports allowed and denied connections from a pod', async (t) => {
    if (!(await podsRunning())) {
      console.warn('skipping connect checks: pods do not run yet on this build');
      t.skip();
    }
    const web = await kube.get('v1', 'Pod', 'web', NS);
    const ip = web.status.podIP as string;
    const from = { selector: 'app=client' };
    expect((await runCheck({ type: 'connect', where, from, host: ip, port: 80, protocol: 'tcp', expect: 'allowed', timeoutMs: 10_000 }, ctx)).ok).toBe(true);
    expect((await runCheck({ type: 'connect', where, from, host: ip, port: 80, protocol: 'http', expect: 'allowed' }, ctx)).ok).toBe(true);
    const closed = await runCheck({ type: 'connect', where, from, host: ip, port: 81, protocol: 'tcp', expect: 'allowed' }, ctx);
    expect(closed).toMatchObject({ ok: false, message: `pod client → ${ip}:81 is denied, expected allowed` });
  });

  it('connect reaches a pod named as the target by its pod IP', async (t) => {
    if (!(await podsRunning())) {
      console.warn('skipping connect checks: pods do not run yet on this build');
      t.skip();
    }
    const ip = (await kube.get('v1', 'Pod', 'web', NS)).status.podIP as string;
    const from = { selector: 'app=client' };
    expect(
      (await runCheck({ type: 'connect', where, from, host: '', toPod: { pod: 'web' }, port: 80, protocol: 'http', expect: 'allowed', timeoutMs: 10_000 }, ctx))
        .ok,
    ).toBe(true);
    const closed = await runCheck(
      { type: 'connect', where, from, host: '', toPod: { selector: 'app=web' }, port: 81, protocol: 'tcp', expect: 'allowed' },
      ctx,
    );
    expect(closed).toMatchObject({ ok: false, message: `pod client → pod web (${ip}:81) is denied, expected allowed` });
  });

  it('admit dry-runs a create: Pod Security refuses or warns, and nothing is stored', async () => {
    await kube.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'admit', labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' } },
    });
    const pod = (name: string, privileged: boolean) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'admit' },
      spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged } }] },
    });
    const denied = await runCheck(
      { type: 'admit', where, object: pod('root', true), expect: { allowed: false, message: 'violates PodSecurity "baseline:latest": privileged' } },
      ctx,
    );
    expect(denied).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^creating Pod root in namespace admit was refused: pods "root" is forbidden: violates/),
    });
    const warned = await runCheck(
      { type: 'admit', where, object: pod('plain', false), expect: { allowed: true, warning: 'would violate PodSecurity "restricted:latest"' } },
      ctx,
    );
    expect(warned).toMatchObject({ ok: true });
    const quiet = await runCheck({ type: 'admit', where, object: pod('plain', false), expect: { allowed: true, warning: false } }, ctx);
    expect(quiet.message).toMatch(/^creating Pod plain in namespace admit was allowed, but with a warning, and none should come \(warnings: would violate/);
    expect(await kube.get('v1', 'Pod', 'plain', 'admit')).toBeUndefined();
    // the opposite expectations fail, saying what admission did
    const notRefused = await runCheck({ type: 'admit', where, object: pod('plain', false), expect: { allowed: false } }, ctx);
    expect(notRefused.message).toMatch(
      /^creating Pod plain in namespace admit was allowed, but should be refused \(warnings: would violate PodSecurity "restricted:latest"/,
    );
    const refused = await runCheck({ type: 'admit', where, object: pod('root', true), expect: { allowed: true } }, ctx);
    expect(refused).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^creating Pod root in namespace admit was refused \(403\): pods "root" is forbidden/),
    });
    const otherReason = await runCheck({ type: 'admit', where, object: pod('root', true), expect: { allowed: false, message: 'hostPath' } }, ctx);
    expect(otherReason.message).toMatch(/was refused, but with ".*", which does not match \/hostPath\/$/);
    // an existing object cannot be created: the check says so instead of counting the conflict as a denial
    const exists = await runCheck(
      {
        type: 'admit',
        where,
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
        expect: { allowed: false },
      },
      ctx,
    );
    expect(exists.message).toBe(`creating Pod web in namespace ${NS} could not be tried: Pod web already exists`);
  });
});
