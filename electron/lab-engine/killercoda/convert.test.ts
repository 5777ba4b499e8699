// The pieces of the Killercoda import that need no cluster: markers to code block modes, what lint reports, and a
// lab whose topology names its nodes refusing a cluster without them.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertMarkdown, interactive } from './markdown';
import { lintMarkdown, lintScript } from './unsupported';
import { convertScenario } from './convert';
import { loadLab, readLab } from '../loader';
import { topologyProblems } from '../topology';
import type { KubeClient } from '../kube-client';

const work = mkdtempSync(join(tmpdir(), 'kubelab-kc-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Killercoda markers', () => {
  it('turns {{exec}} and {{copy}} blocks and inline commands into run and copy blocks, and closes an open block', () => {
    const { md, markers } = convertMarkdown(
      'Run:\n```plain\nkubectl get pods\n```{{exec}}\nthen `kubectl get svc`{{exec interrupt}} or copy `web`{{copy}}\n```\nopen',
    );
    expect(md).toBe(
      'Run:\n```bash run\nkubectl get pods\n```\nthen \n\n```bash run\nkubectl get svc\n```\n\n or copy \n\n```bash copy\nweb\n```\n\n\n```\nopen\n```',
    );
    expect(markers.map((m) => [m.line, m.kind, m.code])).toEqual([
      [2, 'exec', 'kubectl get pods'],
      [5, 'exec interrupt', 'kubectl get svc'],
      [5, 'copy', 'web'],
    ]);
    expect(convertMarkdown('## Looks like a step {#step1}').md).toBe('## Looks like a step {\\#step1}');
  });

  it('leaves watches, editors and interactive shells out of a reference solution', () => {
    for (const c of ['kubectl get pods -w', 'vim pod.yaml', 'kubectl logs -f web', 'ssh node01', 'kubectl exec -it web -- sh'])
      expect(interactive(c), c).toBe(true);
    for (const c of ['kubectl get pods', 'ssh node01 crictl ps', 'kubectl create deployment web --image=nginx']) expect(interactive(c), c).toBe(false);
  });
});

describe('what lint reports', () => {
  it('node commands only outside ssh, internet only for outside hosts', () => {
    const f = lintScript(
      's.sh',
      'crictl ps\nssh node01 crictl ps\ncurl http://web:80/\ncurl -s http://web.default.svc.cluster.local\ncurl https://get.helm.sh/x\n# apt-get install x\nsudo apt-get install -y x',
    );
    expect(f.map((x) => `${x.where} ${x.severity}`)).toEqual(['s.sh:1 warning', 's.sh:5 error', 's.sh:7 error']);
  });

  it('markers KubeLab has not, and commands in code blocks with their own line', () => {
    const f = lintMarkdown('t.md', 'See {{TRAFFIC_HOST1_8080}}\n```\ndocker ps\n```{{exec}}\n`podman ps`{{exec}}');
    expect(f.map((x) => `${x.where} ${x.severity}`)).toEqual(['t.md:1 error', 't.md:3 error', 't.md:5 error']);
  });
});

describe('node names', () => {
  it('an imported lab does not start on a cluster without controlplane and node01, and says which node is missing', async () => {
    const r = convertScenario(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'killercoda', 'web-basics'), work);
    const lab = loadLab(r.dir);
    const kube = (names: string[]) => ({ list: async () => ({ items: names.map((name) => ({ metadata: { name } })) }) }) as unknown as KubeClient;
    expect((await topologyProblems(kube(['kubelab-control-plane', 'kubelab-worker', 'kubelab-worker2']), lab)).map((p) => p.en)).toEqual([
      'no node is named controlplane',
      'no node is named node01',
    ]);
    expect(await topologyProblems(kube(['controlplane', 'node01']), lab)).toEqual([]);
  });
});

describe('the script check', () => {
  it('takes only a file inside the lab folder, and names the line of a path that leaves it', () => {
    const r = convertScenario(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'killercoda', 'web-basics'), join(work, 'script'));
    const file = join(r.dir, 'lab.yaml');
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('step2/verify.sh')) + 1;
    writeFileSync(file, text.replace('killercoda/step2/verify.sh', '../../../etc/passwd').replace('killercoda/step3/verify.sh', 'nope.sh'));
    const { problems } = readLab(r.dir);
    expect(problems).toContain(`${file}:${line}: script ../../../etc/passwd must be a path inside the lab folder`);
    expect(problems.some((p) => p.includes('script nope.sh not found'))).toBe(true);
  });
});
