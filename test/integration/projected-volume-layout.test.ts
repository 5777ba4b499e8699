// configMap, secret, projected and downwardAPI volumes as the kubelet's AtomicWriter lays them out, seen through
// kubectl exec in busybox and debian (dgkanatsios/CKAD-exercises, configuration: `ls -la /etc/config`):
// `..data -> ..<timestamp>.<n>`, each key a link `key -> ..data/key`, an update swapping `..data` to a new folder.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';

process.env.KUBELAB_VOLUME_SYNC_MS = '200';

const kubectl = kubectlPath();
if (!kubectl) console.log('projected-volume-layout: skipped — no kubectl found (set KUBECTL or install kubectl)');

const MANIFEST = `
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1", b.conf: "x=y"}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {password: s3cr3t}
---
apiVersion: v1
kind: Pod
metadata: {name: vols, labels: {app: vols}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: box
    image: busybox
    command: [sleep, "3600"]
    volumeMounts:
    - {name: cfg, mountPath: /etc/config}
    - {name: sec, mountPath: /etc/sec}
    - {name: cfg, mountPath: /etc/one.conf, subPath: b.conf}
    - {name: info, mountPath: /etc/podinfo}
    - {name: all, mountPath: /etc/all}
  - name: deb
    image: debian
    command: [sleep, "3600"]
    volumeMounts:
    - {name: cfg, mountPath: /etc/config}
  volumes:
  - {name: cfg, configMap: {name: cfg, defaultMode: 0400}}
  - {name: sec, secret: {secretName: sec}}
  - {name: info, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  - name: all
    projected:
      sources:
      - configMap: {name: cfg, items: [{key: a, path: conf/a}]}
      - secret: {name: sec}
`;

const TS = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/;

describe.skipIf(!kubectl)('projected volume layout through kubectl exec', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });
  const exec = async (container: string, ...cmd: string[]) => {
    const r = await tc.kubectl(['exec', 'vols', '-c', container, '--', ...cmd]);
    expect(r.stderr).toBe('');
    return r.stdout;
  };
  /** `ls -la` rows by name: [mode, name-with-link] */
  const listing = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter((l) => /^[dl-][rwxtT-]{9}/.test(l))
        .map((l) => {
          const f = l.trim().split(/\s+/);
          const name = f.slice(8).join(' ');
          return [name.split(' -> ')[0], { mode: f[0], link: name.split(' -> ')[1] }] as const;
        }),
    );

  it('shows ..data, the timestamped folder and key links in busybox and debian, with the modes upstream sets', async () => {
    expect((await tc.kubectl(['apply', '-f', '-'], { input: MANIFEST })).code).toBe(0);
    await waitFor(async () => (await tc.kubectl(['get', 'pod', 'vols', '-o', 'jsonpath={.status.containerStatuses[*].ready}'])).stdout === 'true true', {
      what: 'vols ready',
      timeoutMs: 30_000,
    });
    for (const c of ['box', 'deb']) {
      const rows = listing(await exec(c, 'ls', '-la', '/etc/config'));
      expect([...rows.keys()].sort()).toEqual(expect.arrayContaining(['.', '..', '..data', 'a', 'b.conf']));
      const ts = rows.get('..data')!.link!;
      expect(ts).toMatch(TS);
      expect(rows.get(ts)?.mode).toBe('drwxr-xr-x');
      expect(rows.get('.')?.mode).toBe('drwxrwxrwx');
      expect(rows.get('a')).toEqual({ mode: 'lrwxrwxrwx', link: '..data/a' });
      expect(rows.get('b.conf')).toEqual({ mode: 'lrwxrwxrwx', link: '..data/b.conf' });
      expect(rows.size).toBe(6);
      // defaultMode applies to the files in the timestamped folder
      expect(listing(await exec(c, 'ls', '-l', '/etc/config/..data/')).get('a')?.mode).toBe('-r--------');
      expect(await exec(c, 'readlink', '/etc/config/a')).toBe('..data/a\n');
      expect((await exec(c, 'find', '/etc/config', '-type', 'l')).split('\n').filter(Boolean).sort()).toEqual([
        '/etc/config/..data',
        '/etc/config/a',
        '/etc/config/b.conf',
      ]);
      expect(await exec(c, 'find', '/etc/config', '-name', 'a', '-type', 'l')).toBe('/etc/config/a\n');
      // -f resolves the `..data` link inside the path as well
      expect(await exec(c, 'readlink', '-f', '/etc/config/a')).toBe(`/etc/config/${ts}/a\n`);
      expect(await exec(c, 'cat', '/etc/config/b.conf')).toBe('x=y');
    }
    // a Secret's and a projected volume's folder is a tmpfs
    const sec = listing(await exec('box', 'ls', '-la', '/etc/sec'));
    expect(sec.get('.')?.mode).toBe('drwxrwxrwt');
    expect(sec.get('password')).toEqual({ mode: 'lrwxrwxrwx', link: '..data/password' });
    const all = listing(await exec('box', 'ls', '-la', '/etc/all'));
    expect(all.get('.')?.mode).toBe('drwxrwxrwt');
    // a nested path is linked by its first component
    expect(all.get('conf')).toEqual({ mode: 'lrwxrwxrwx', link: '..data/conf' });
    expect(await exec('box', 'cat', '/etc/all/conf/a')).toBe('1');
    expect(listing(await exec('box', 'ls', '-la', '/etc/podinfo')).get('labels')).toEqual({ mode: 'lrwxrwxrwx', link: '..data/labels' });
    const ts = listing(await exec('box', 'ls', '-la', '/etc/config')).get('..data')!.link!;
    const found = (await exec('box', 'find', '/etc/config')).split('\n').filter(Boolean).sort();
    expect(found).toEqual(
      [
        '/etc/config',
        `/etc/config/${ts}`,
        `/etc/config/${ts}/a`,
        `/etc/config/${ts}/b.conf`,
        '/etc/config/..data',
        '/etc/config/a',
        '/etc/config/b.conf',
      ].sort(),
    );
  }, 90_000);

  it('swaps ..data to a new timestamped folder on an update and removes the old one; a subPath file keeps its content', async () => {
    const before = listing(await exec('box', 'ls', '-la', '/etc/config')).get('..data')!.link!;
    expect(await exec('box', 'cat', '/etc/one.conf')).toBe('x=y');
    expect((await tc.kubectl(['patch', 'configmap', 'cfg', '--type=merge', '-p', '{"data":{"b.conf":"x=z","c":"3"}}'])).code).toBe(0);
    await waitFor(async () => (await exec('box', 'cat', '/etc/config/b.conf')) === 'x=z', { what: 'live update', timeoutMs: 15_000 });
    const rows = listing(await exec('box', 'ls', '-la', '/etc/config'));
    const after = rows.get('..data')!.link!;
    expect(after).toMatch(TS);
    expect(after).not.toBe(before);
    expect(rows.has(before)).toBe(false);
    expect(rows.get('c')).toEqual({ mode: 'lrwxrwxrwx', link: '..data/c' });
    expect(await exec('deb', 'cat', '/etc/config/c')).toBe('3');
    // upstream bind-mounts a subPath once: it never sees updates
    expect(await exec('box', 'cat', '/etc/one.conf')).toBe('x=y');
    // a key that goes loses its link
    expect((await tc.kubectl(['patch', 'configmap', 'cfg', '--type=json', '-p', '[{"op":"remove","path":"/data/a"}]'])).code).toBe(0);
    await waitFor(async () => !listing(await exec('box', 'ls', '-la', '/etc/config')).has('a'), { what: 'key a removed', timeoutMs: 15_000 });
  }, 60_000);
});
