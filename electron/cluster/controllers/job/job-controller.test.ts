import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, kubectlPath, type TestCluster } from '../../../../test/harness';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { startFakeKubelet, type FakeKubelet } from '../../../../test/fake-kubelet';
import type { JobCondition } from 'kubernetes-types/batch/v1';

const NODE = 'fake-job-node';
let tc: TestCluster;
let kubelet: FakeKubelet;

function job(name: string, spec: Record<string, unknown>, container: Record<string, unknown> = {}): KObject {
  const { template: _t, ...rest } = spec;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      ...rest,
      template: {
        spec: {
          restartPolicy: 'Never',
          // bound at creation: the fake kubelet runs them whatever the scheduler does
          nodeName: NODE,
          containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo done'], ...container }],
        },
      },
    },
  };
}
const getJob = (name: string) => tc.client.get(R.jobs, 'default', name);
const cond = (j: KObject, type: string) => (j.status?.conditions ?? []).find((c: JobCondition) => c.type === type && c.status === 'True');
function runKubectl(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const p = tc.kubectlSpawn(args);
    let out = '';
    p.stdout!.on('data', (d) => {
      out += d;
    });
    p.stderr!.on('data', (d) => {
      out += d;
    });
    p.on('close', () => resolve(out));
  });
}
async function until(name: string, type: string, timeoutMs = 20_000): Promise<KObject> {
  return (await waitFor(
    async () => {
      const j = await getJob(name);
      return cond(j, type) ? j : undefined;
    },
    { timeoutMs, what: `${name} ${type}` },
  ))!;
}
const jobPods = async (name: string) => (await tc.client.list(R.pods, 'default', { labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
const eventsFor = async (name: string) => (await tc.client.list(R.events, 'default')).items.filter((e) => e.involvedObject?.name === name);

beforeAll(async () => {
  process.env.KUBELAB_JOB_BACKOFF_BASE_MS = '100';
  tc = await startTestCluster({ nodes: 1 });
  // exit code taken from the container command ("exit N"); "sleep" keeps running
  kubelet = await startFakeKubelet(tc.client, {
    nodeName: NODE,
    decide: (pod) => {
      const cmd = (pod.spec?.containers?.[0]?.command ?? []).join(' ');
      if (/sleep/.test(cmd)) return {};
      const m = /exit (\d+)/.exec(cmd);
      return { exitCode: m ? Number(m[1]) : 0, runMs: 80 };
    },
  });
}, 60_000);
afterAll(async () => {
  kubelet?.stop();
  await tc?.stop();
});

describe('Job controller', () => {
  it('runs completions 8 / parallelism 2 in waves of at most 2 and completes', async () => {
    let maxActive = 0;
    const w = tc.client.watch(R.jobs, 'default', {}, (ev) => {
      if (ev.object.metadata.name === 'waves') maxActive = Math.max(maxActive, ev.object.status?.active ?? 0);
    });
    await tc.client.create(R.jobs, 'default', job('waves', { completions: 8, parallelism: 2 }));
    const done = await until('waves', 'Complete');
    w.stop();
    expect(done.status.succeeded).toBe(8);
    expect(done.status.failed ?? 0).toBe(0);
    expect(done.status.active ?? 0).toBe(0);
    expect(done.status.completionTime).toBeTruthy();
    expect(done.status.startTime).toBeTruthy();
    expect(done.status.uncountedTerminatedPods).toEqual({});
    const types = done.status.conditions.map((c: JobCondition) => c.type);
    expect(types).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(cond(done, 'Complete')).toMatchObject({ reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    expect(maxActive).toBe(2);
    expect(kubelet.maxRunning('waves')).toBe(2);
    const pods = await jobPods('waves');
    expect(pods).toHaveLength(8);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^waves-[a-z0-9]{5}$/);
      expect(p.metadata.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
      expect(p.metadata.labels).toMatchObject({
        'job-name': 'waves',
        'controller-uid': done.metadata.uid,
        'batch.kubernetes.io/controller-uid': done.metadata.uid,
      });
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'waves', controller: true, blockOwnerDeletion: true });
    }
    const evs = (await waitFor(async () => {
      const e = await eventsFor('waves');
      return e.some((x) => x.reason === 'Completed') ? e : undefined;
    }))!;
    expect(evs.filter((e) => e.reason === 'SuccessfulCreate')).not.toHaveLength(0);
    expect(evs.find((e) => e.reason === 'SuccessfulCreate')!.message).toMatch(/^Created pod: waves-[a-z0-9]{5}$/);
    expect(evs.find((e) => e.reason === 'Completed')!.message).toBe('Job completed');
    if (kubectlPath()) {
      // async spawn: the API server lives in this process, so a blocking spawnSync would starve it
      const out = await runKubectl(['wait', '--for=condition=Complete', 'job/waves', '--timeout=10s']);
      expect(out).toContain('job.batch/waves condition met');
    }
  }, 45_000);

  it('fails with BackoffLimitExceeded after backoffLimit+1 failures, backing off between pods', async () => {
    await tc.client.create(R.jobs, 'default', job('fails', { backoffLimit: 1 }, { command: ['sh', '-c', 'exit 1'] }));
    const failed = await until('fails', 'Failed');
    expect(failed.status.failed).toBe(2);
    expect(failed.status.succeeded ?? 0).toBe(0);
    expect(cond(failed, 'FailureTarget')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(cond(failed, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(failed.status.completionTime).toBeUndefined();
    const pods = await jobPods('fails');
    expect(pods).toHaveLength(2);
    const created = pods.map((p) => Date.parse(p.metadata.creationTimestamp!)).sort();
    // the replacement waited for the back-off base (100 ms here) after the first failure; timestamps have 1 s resolution
    expect(created[1]).toBeGreaterThanOrEqual(created[0]);
    const evs = (await waitFor(async () => {
      const e = await eventsFor('fails');
      return e.some((x) => x.reason === 'BackoffLimitExceeded') ? e : undefined;
    }))!;
    expect(evs.find((e) => e.reason === 'BackoffLimitExceeded')).toMatchObject({ type: 'Warning', message: 'Job has reached the specified backoff limit' });
  }, 30_000);

  it('runs an Indexed job with one pod per completion index', async () => {
    await tc.client.create(R.jobs, 'default', job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const done = await until('idx', 'Complete');
    expect(done.status.completedIndexes).toBe('0-2');
    expect(done.status.succeeded).toBe(3);
    const pods = await jobPods('idx');
    const byIndex = pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    expect(byIndex).toEqual(['0', '1', '2']);
    for (const p of pods) {
      const ix = p.metadata.annotations!['batch.kubernetes.io/job-completion-index'];
      expect(p.metadata.labels!['batch.kubernetes.io/job-completion-index']).toBe(ix);
      expect(p.metadata.name).toMatch(new RegExp(`^idx-${ix}-[a-z0-9]{5}$`));
      expect(p.spec.hostname).toBe(`idx-${ix}`);
      expect(p.spec.containers[0].env).toContainEqual({
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
      });
    }
  }, 30_000);

  it('fails at once when a podFailurePolicy FailJob rule matches an exit code', async () => {
    await tc.client.create(
      R.jobs,
      'default',
      job(
        'pfp',
        {
          backoffLimit: 6,
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }] },
        },
        { command: ['sh', '-c', 'exit 42'] },
      ),
    );
    const failed = await until('pfp', 'Failed');
    const pod = (await jobPods('pfp'))[0];
    expect(cond(failed, 'Failed')).toMatchObject({
      reason: 'PodFailurePolicy',
      message: `Container main for pod default/${pod.metadata.name} failed with exit code 42 matching FailJob rule at index 0`,
    });
    expect(failed.status.failed).toBe(1);
  }, 30_000);

  it('stops a job past activeDeadlineSeconds with DeadlineExceeded and deletes its pods', async () => {
    await tc.client.create(R.jobs, 'default', job('deadline', { activeDeadlineSeconds: 1 }, { command: ['sleep', '3600'] }));
    const failed = await until('deadline', 'Failed');
    expect(cond(failed, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(failed.status.active ?? 0).toBe(0);
    await waitFor(
      async () =>
        (await jobPods('deadline')).every((p) => p.status?.phase === 'Failed' || p.metadata.deletionTimestamp) || (await jobPods('deadline')).length === 0,
    );
  }, 30_000);

  it('creates no pods while suspended and starts them on resume', async () => {
    await tc.client.create(R.jobs, 'default', job('susp', { suspend: true }));
    const s = await until('susp', 'Suspended');
    expect(cond(s, 'Suspended')).toMatchObject({ reason: 'JobSuspended', message: 'Job suspended' });
    expect(s.status.startTime).toBeUndefined();
    expect(await jobPods('susp')).toHaveLength(0);
    await tc.client.patch(R.jobs, 'default', 'susp', 'merge', { spec: { suspend: false } });
    const done = await until('susp', 'Complete');
    expect(done.status.conditions.find((c: JobCondition) => c.type === 'Suspended')).toMatchObject({
      status: 'False',
      reason: 'JobResumed',
      message: 'Job resumed',
    });
  }, 30_000);

  it('releases the tracking finalizer when a running job is deleted, so its pods go away', async () => {
    await tc.client.create(R.jobs, 'default', job('gone', { parallelism: 2, completions: 2 }, { command: ['sleep', '3600'] }));
    await waitFor(async () => (await jobPods('gone')).filter((p) => p.status?.phase === 'Running').length === 2, { what: 'running pods' });
    await tc.client.delete(R.jobs, 'default', 'gone', { propagationPolicy: 'Background' });
    await waitFor(async () => (await jobPods('gone')).length === 0, { timeoutMs: 20_000, what: 'pods removed' });
  }, 30_000);
});
