// kubeadm's control-plane manifests as files: their shape (what kubeadm v1.33 writes), that the kubelet's file source
// reads them back into the same pods, and when a start writes them again.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { controlPlaneManifests, ETCD_VERSION } from './manifests';
import { manifestYaml, writeKubeadmManifests } from './kubeadm-files';
import { readManifest } from './manifest-folder';
import { mirrorPodFor, staticPodFromManifest } from './static-pod';
import type { KObject } from '../../api/types';

const ctx = (apiPort = 6443) => ({
  nodeName: 'controlplane',
  nodeIP: '172.18.0.2',
  apiPort,
  serviceCIDR: '10.96.0.0/12',
  podCIDR: '10.244.0.0/16',
  versions: { kubernetes: 'v1.33.1', etcd: ETCD_VERSION },
});
const byName = (pods: KObject[]): Record<string, KObject> => Object.fromEntries(pods.map((p) => [p.metadata.name, p]));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kubeadm-files-'));

describe("kubeadm's control-plane manifests", () => {
  const pods = byName(controlPlaneManifests(ctx()));

  it('are printed as kubeadm prints them: sorted keys, lists not indented, the zero creationTimestamp and status', () => {
    const text = manifestYaml(pods.etcd);
    expect(text.startsWith('apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n')).toBe(true);
    expect(text).toContain('\n  creationTimestamp: null\n');
    expect(text).toContain('\nspec:\n  containers:\n  - command:\n    - etcd\n    - --advertise-client-urls=https://172.18.0.2:2379\n');
    expect(text.endsWith('\nstatus: {}\n')).toBe(true);
  });

  it("etcd's data dir is the etcd-data hostPath /var/lib/etcd, mounted where --data-dir points", () => {
    const c = pods.etcd.spec.containers[0];
    expect(c.command).toContain('--data-dir=/var/lib/etcd');
    expect(c.volumeMounts).toContainEqual({ mountPath: '/var/lib/etcd', name: 'etcd-data' });
    expect(pods.etcd.spec.volumes).toContainEqual({ hostPath: { path: '/var/lib/etcd', type: 'DirectoryOrCreate' }, name: 'etcd-data' });
    expect(c.image).toBe(`registry.k8s.io/etcd:${ETCD_VERSION}`);
    expect(c.livenessProbe).toMatchObject({ httpGet: { host: '127.0.0.1', path: '/livez', port: 2381, scheme: 'HTTP' }, failureThreshold: 8 });
  });

  it('kube-apiserver reaches etcd on 127.0.0.1:2379 with its client certificate and serves on the advertise address', () => {
    const c = pods['kube-apiserver'].spec.containers[0];
    expect(c.command).toEqual(
      expect.arrayContaining([
        '--etcd-servers=https://127.0.0.1:2379',
        '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
        '--advertise-address=172.18.0.2',
        '--secure-port=6443',
        '--service-cluster-ip-range=10.96.0.0/12',
      ]),
    );
    expect(c.startupProbe).toMatchObject({ httpGet: { host: '172.18.0.2', path: '/livez', port: 6443, scheme: 'HTTPS' } });
    expect(pods['kube-scheduler'].spec.volumes).toEqual([{ hostPath: { path: '/etc/kubernetes/scheduler.conf', type: 'FileOrCreate' }, name: 'kubeconfig' }]);
    expect(pods['kube-controller-manager'].spec.containers[0].command).toContain('--cluster-cidr=10.244.0.0/16');
  });

  it("read back by the kubelet's file source, each file is the pod it was written from, and its mirror carries that spec", () => {
    for (const pod of Object.values(pods)) {
      const read = readManifest(`/etc/kubernetes/manifests/${pod.metadata.name}.yaml`, manifestYaml(pod));
      expect(typeof read).not.toBe('string');
      const back = read as KObject;
      expect(back.spec).toEqual(pod.spec);
      expect(back.metadata).toMatchObject(pod.metadata);
      const mirror = mirrorPodFor(staticPodFromManifest(back, 'controlplane'), { name: 'controlplane', uid: 'node-uid' });
      expect(mirror.metadata.name).toBe(`${pod.metadata.name}-controlplane`);
      expect(mirror.spec).toMatchObject(pod.spec);
    }
  });
});

describe('writing them to the manifest folder (kubeadm init)', () => {
  it('writes the four files once; a start rewrites the untouched ones and leaves edited or removed ones as they are', () => {
    const dir = tmp();
    const folder = path.join(dir, 'etc/kubernetes/manifests');
    const record = path.join(dir, 'kubeadm-manifests.json');
    const log: string[] = [];
    writeKubeadmManifests(folder, record, controlPlaneManifests(ctx(6443)), (m) => log.push(m));
    expect(fs.readdirSync(folder).sort()).toEqual(['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml']);
    const etcdFile = path.join(folder, 'etcd.yaml');
    const edited = fs.readFileSync(etcdFile, 'utf8').replace('path: /var/lib/etcd\n', 'path: /var/lib/etcd-from-backup\n');
    fs.writeFileSync(etcdFile, edited);
    fs.rmSync(path.join(folder, 'kube-scheduler.yaml'));
    // the next start has another API port: kube-apiserver.yaml follows it, the student's files stay theirs
    writeKubeadmManifests(folder, record, controlPlaneManifests(ctx(40000)), (m) => log.push(m));
    expect(fs.readFileSync(etcdFile, 'utf8')).toBe(edited);
    expect(fs.existsSync(path.join(folder, 'kube-scheduler.yaml'))).toBe(false);
    const api = YAML.parse(fs.readFileSync(path.join(folder, 'kube-apiserver.yaml'), 'utf8')) as KObject;
    expect(api.spec.containers[0].command).toContain('--secure-port=40000');
    expect(log).toEqual([]);
  });
});
