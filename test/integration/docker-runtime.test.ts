// The Docker runtime end to end: a cluster started with runtime docker runs pods as real containers. Needs a Docker
// daemon and the images scripts/docker-test-images.sh builds offline (busybox, nginx stand-in, pause); without
// them the suite skips and says why. All cluster tests live in this one file: Docker clusters share the pod subnet.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import * as pty from 'node-pty';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';
import { startCluster } from '../../electron/cluster/cluster';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';

const docker = new Docker();
const kubectl = kubectlPath();
// decided before collection (describe.skipIf needs it synchronously): the docker CLI honours DOCKER_HOST as dockerode does
const cli = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8', timeout: 10_000 });
const server = cli('version', '--format', '{{.Server.Version}}');
const daemonVersion = server.status === 0 ? server.stdout.trim() : '';
const images = ['busybox:latest', 'nginx:latest', 'kubelab/pause:latest'];
const missing = daemonVersion ? images.filter((img) => cli('image', 'inspect', img).status !== 0) : [];
const skip = !kubectl
  ? 'no kubectl found (set KUBECTL or install kubectl)'
  : server.error
    ? `no docker CLI to reach a daemon with (${server.error.message})`
    : !daemonVersion
      ? `no Docker daemon: ${(server.stderr || server.stdout).trim().split('\n').pop()}`
      : missing.length
        ? `images ${missing.join(', ')} missing (run scripts/docker-test-images.sh)`
        : '';
if (skip) console.log(`docker-runtime: skipped — ${skip}`);

/** a control plane, a simulated worker (kubelab-worker) and a Docker worker (kubelab-worker2), with `manifest` applied */
async function startMixedCluster(tmpPrefix: string, manifest?: string): Promise<TestCluster> {
  const cfg = join(mkdtempSync(join(tmpdir(), tmpPrefix)), 'cluster.yaml');
  writeFileSync(cfg, 'nodes:\n- role: control-plane\n- role: worker\n- role: worker\n  runtime: docker\n');
  const tc = await startTestCluster({ configFile: cfg });
  if (manifest) {
    const applied = await tc.kubectl(['apply', '-f', '-'], { input: manifest });
    expect(applied.code, applied.stderr).toBe(0);
  }
  return tc;
}

describe.skipIf(!!skip)('Docker runtime', () => {
  let tc: TestCluster;
  const k = (...args: string[]) => tc.kubectl(['-n', 'dk', ...args]);
  const owned = async () =>
    docker
      .listContainers({ all: true, filters: { label: [`io.kubelab.cluster`] } })
      .then((l) => l.filter((c) => c.Labels['io.kubernetes.pod.namespace'] === 'dk' || c.Labels['io.kubelab.cluster'] === clusterLabel));
  let clusterLabel = '';
  const runningPod = (name: string) =>
    waitFor(async () => (await k('get', 'pod', name, '-o', 'jsonpath={.status.phase}')).stdout === 'Running', {
      timeoutMs: 60_000,
      what: `pod ${name} Running`,
    });

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2, runtime: 'docker' });
    await tc.kubectl(['create', 'namespace', 'dk']);
  }, 120_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('runs a pod as a pause sandbox plus a container joining it, labelled as dockershim does', async () => {
    expect(tc.cluster.docker?.available).toBe(true);
    await k('run', 'box', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'echo started; sleep 3600');
    await runningPod('box');
    const uid = (await k('get', 'pod', 'box', '-o', 'jsonpath={.metadata.uid}')).stdout;
    const mine = await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${uid}`] } });
    clusterLabel = mine[0].Labels['io.kubelab.cluster'];
    const byName = Object.fromEntries(mine.map((c) => [c.Labels['io.kubernetes.container.name'], c]));
    expect(Object.keys(byName).sort()).toEqual(['POD', 'box']);
    expect(byName.POD.Labels['io.kubernetes.docker.type']).toBe('podsandbox');
    expect(byName.box.Labels).toMatchObject({ 'io.kubernetes.pod.name': 'box', 'io.kubernetes.pod.namespace': 'dk', 'io.kubernetes.docker.type': 'container' });
    expect(byName.box.HostConfig.NetworkMode).toBe(`container:${byName.POD.Id}`);
    // the pod IP the API reports is the sandbox's eth0 address on the cluster network, its default route the bridge
    const podIP = (await k('get', 'pod', 'box', '-o', 'jsonpath={.status.podIP}')).stdout;
    expect((await k('exec', 'box', '--', 'ip', '-4', '-o', 'addr', 'show', 'eth0')).stdout).toContain(`inet ${podIP}/16 `);
    expect((await k('exec', 'box', '--', 'ip', 'route')).stdout).toContain('default via 10.244.255.254 dev eth0');
    expect((await k('exec', 'box', '--', 'hostname')).stdout.trim()).toBe('box');
    expect((await k('exec', 'box', '--', 'cat', '/etc/hostname')).stdout.trim()).toBe('box');
    expect((await k('exec', 'box', '--', 'cat', '/etc/hosts')).stdout).toContain(`${podIP}\tbox`);
    expect((await k('exec', 'box', '--', 'cat', '/etc/resolv.conf')).stdout).toContain('search dk.svc.cluster.local svc.cluster.local cluster.local');
    const node = JSON.parse((await tc.kubectl(['get', 'node', (await k('get', 'pod', 'box', '-o', 'jsonpath={.spec.nodeName}')).stdout, '-o', 'json'])).stdout);
    expect(node.status.nodeInfo.containerRuntimeVersion).toBe(`docker://${daemonVersion}`);
    expect(node.status.images.flatMap((i: { names: string[] }) => i.names)).toContain('docker.io/library/busybox:latest');
  });

  it("runs the cluster's system pods (CoreDNS, kube-proxy) with its own programs instead of pulling their images", async () => {
    // offline, their registry.k8s.io images cannot be pulled: they used to sit in ImagePullBackOff on Docker nodes
    const ready = async () => {
      const r = await tc.kubectl([
        '-n',
        'kube-system',
        'get',
        'pods',
        '-l',
        'k8s-app in (kube-dns,kube-proxy)',
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status} {end}',
      ]);
      const s = r.stdout.trim().split(' ').filter(Boolean);
      return s.length >= 4 && s.every((x) => x === 'True');
    };
    await waitFor(ready, { timeoutMs: 60_000, what: 'CoreDNS and kube-proxy pods Ready on the Docker nodes' });
    const system = await docker.listContainers({ all: true, filters: { label: ['io.kubernetes.pod.namespace=kube-system'] } });
    expect(system.filter((c) => c.Labels['io.kubelab.cluster'] === clusterLabel).map((c) => c.Names[0])).toEqual([]);
    // the node running a CoreDNS pod lists its image beside the daemon's (at the node status's next image refresh)
    const dnsNode = (await tc.kubectl(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={.items[0].spec.nodeName}'])).stdout;
    await waitFor(
      async () =>
        JSON.parse((await tc.kubectl(['get', 'node', dnsNode, '-o', 'json'])).stdout)
          .status.images.flatMap((i: { names: string[] }) => i.names)
          .includes('registry.k8s.io/coredns/coredns:v1.12.0'),
      { timeoutMs: 20_000, what: `node ${dnsNode} listing the CoreDNS image` },
    );
  }, 90_000);

  it("lets a pod's containers reach each other on localhost", async () => {
    writeFileSync(
      join(tc.dataDir, 'duo.yaml'),
      `apiVersion: v1
kind: Pod
metadata: {name: duo}
spec:
  containers:
  - {name: web, image: nginx}
  - {name: client, image: busybox, command: ["sleep", "3600"]}
`,
    );
    await k('apply', '-f', join(tc.dataDir, 'duo.yaml'));
    await runningPod('duo');
    const got = await waitFor(
      async () => {
        const r = await k('exec', 'duo', '-c', 'client', '--', 'wget', '-qO-', 'http://localhost:80/');
        return r.code === 0 ? r.stdout : undefined;
      },
      { timeoutMs: 20_000, what: 'localhost between containers' },
    );
    expect(got).toContain('Welcome to nginx!');
  });

  it('maps securityContext and resources onto the container', async () => {
    writeFileSync(
      join(tc.dataDir, 'sec.yaml'),
      `apiVersion: v1
kind: Pod
metadata: {name: sec}
spec:
  securityContext: {supplementalGroups: [2000]}
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
    workingDir: /tmp
    securityContext: {runAsUser: 1000, runAsGroup: 3000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: ["ALL"], add: ["NET_ADMIN"]}}
    resources: {limits: {cpu: 250m, memory: 64Mi}}
`,
    );
    await k('apply', '-f', join(tc.dataDir, 'sec.yaml'));
    await runningPod('sec');
    expect((await k('exec', 'sec', '--', 'id')).stdout).toMatch(/uid=1000 gid=3000 groups=2000/);
    expect((await k('exec', 'sec', '--', 'pwd')).stdout.trim()).toBe('/tmp');
    const touch = await k('exec', 'sec', '--', 'touch', '/x');
    expect(touch.code).not.toBe(0);
    expect(touch.stderr).toContain('Read-only file system');
    const uid = (await k('get', 'pod', 'sec', '-o', 'jsonpath={.metadata.uid}')).stdout;
    const [c] = await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${uid}`, 'io.kubernetes.container.name=c'] } });
    const hc = (await docker.getContainer(c.Id).inspect()).HostConfig;
    expect(hc).toMatchObject({
      Memory: 64 * 1024 * 1024,
      MemorySwap: 64 * 1024 * 1024,
      CpuQuota: 25_000,
      CpuPeriod: 100_000,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      CapAdd: ['NET_ADMIN'],
    });
    expect(hc.SecurityOpt).toContain('no-new-privileges');
  });

  it("gives kubectl exec -it a terminal that starts at the client's size and follows its resizes", async () => {
    const term = pty.spawn(kubectl!, ['--kubeconfig', tc.kubeconfig, '-n', 'dk', 'exec', '-it', 'box', '--', 'sh'], {
      cols: 97,
      rows: 31,
      env: process.env as Record<string, string>,
    });
    let out = '';
    term.onData((d) => {
      out += d;
    });
    const exited = new Promise<number>((res) => term.onExit((e) => res(e.exitCode)));
    try {
      term.write('stty size; tty\r');
      await waitFor(() => /31 97/.test(out) && /\/dev\/pts\/\d+/.test(out), { timeoutMs: 15_000, what: `initial size in ${JSON.stringify(out)}` });
      term.resize(120, 40);
      // the resize and the typed line travel on different channels: ask until the shell sees the new size
      await waitFor(
        () => {
          if (/40 120/.test(out)) return true;
          term.write('stty size\r');
          return false;
        },
        { timeoutMs: 15_000, intervalMs: 300, what: `resized terminal in ${JSON.stringify(out)}` },
      );
      term.write('exit 0\r');
      expect(await exited).toBe(0);
    } finally {
      term.kill();
    }
  });

  it('copies files in and out with kubectl cp', async () => {
    const src = join(tc.dataDir, 'hello.txt');
    writeFileSync(src, 'hello docker\n');
    expect((await k('cp', src, 'box:/tmp/hello.txt')).code).toBe(0);
    expect((await k('exec', 'box', '--', 'cat', '/tmp/hello.txt')).stdout).toBe('hello docker\n');
    const back = join(tc.dataDir, 'back.txt');
    expect((await k('cp', 'box:/tmp/hello.txt', back)).code).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe('hello docker\n');
  });

  it("reports exit code, reason and lastState on restart, and serves the previous run's log", async () => {
    await k('run', 'count', '--image=busybox', '--', 'sh', '-c', 'for i in 1 2 3; do echo line $i; done; exit 4');
    await waitFor(async () => Number((await k('get', 'pod', 'count', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}')).stdout) >= 1, {
      timeoutMs: 60_000,
      what: 'a restart',
    });
    const last = JSON.parse((await k('get', 'pod', 'count', '-o', 'json')).stdout).status.containerStatuses[0].lastState.terminated;
    expect(last).toMatchObject({ exitCode: 4, reason: 'Error' });
    expect(last.containerID).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
    const cs = JSON.parse((await k('get', 'pod', 'count', '-o', 'json')).stdout).status.containerStatuses[0];
    expect(cs.imageID).toMatch(/^docker(-pullable)?:\/\/.*sha256:[0-9a-f]{64}$/);
    expect((await k('logs', 'count', '--previous')).stdout).toBe('line 1\nline 2\nline 3\n');
    expect((await k('logs', 'count', '--previous', '--timestamps')).stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z line 1\n/);
  });

  it("fails a pull the daemon cannot make with Docker's own error text and backs off", async () => {
    await k('run', 'nosuch', '--image=registry.invalid/nope:1');
    await waitFor(
      async () => (await k('get', 'pod', 'nosuch', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}')).stdout === 'ImagePullBackOff',
      { timeoutMs: 60_000, what: 'ImagePullBackOff' },
    );
    const events = (
      await k('get', 'events', '--field-selector', 'involvedObject.name=nosuch', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}')
    ).stdout;
    expect(events).toContain('Pulling: Pulling image "registry.invalid/nope:1"');
    expect(events).toMatch(/Failed: Failed to pull image "registry.invalid\/nope:1": Error response from daemon: .*registry\.invalid/);
    expect(events).toContain('Failed: Error: ErrImagePull');
  });

  it("stops the cluster's containers when the cluster stops and removes them when it starts again", async () => {
    const before = (await owned()).filter((c) => c.Labels['io.kubelab.cluster'] === clusterLabel);
    expect(before.length).toBeGreaterThan(4);
    const dataDir = tc.dataDir;
    await tc.cluster.stop();
    const after = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.cluster=${clusterLabel}`] } });
    expect(after.map((c) => c.State).filter((s) => s === 'running')).toEqual([]);
    expect((await docker.listNetworks({ filters: { label: [`io.kubelab.cluster=${clusterLabel}`] } })).length).toBe(0);
    // stopped containers of a cluster whose data dir was deleted by hand go too; one whose dir exists stays
    const label = (dir: string) => ({ 'io.kubelab.cluster': 'other', 'io.kubelab.data-dir': dir });
    const orphan = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['true'], Labels: label(join(dataDir, 'no-such-cluster')) });
    const kept = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['true'], Labels: label(dataDir) });
    const unlabelled = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['true'] });
    // the next start of the same data dir cleans them up (its kubelets start the pods again)
    const lines: string[] = [];
    const again = await startCluster({ dataDir, port: 0, runtime: 'docker', log: (l) => lines.push(l) });
    try {
      expect(lines.join('\n')).toMatch(/removed \d+ container\(s\) left by an earlier run/);
      const ids = new Set(after.map((c) => c.Id));
      const now = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.cluster=${clusterLabel}`] } });
      expect(now.filter((c) => ids.has(c.Id))).toEqual([]);
      const exists = (c: Docker.Container) =>
        c.inspect().then(
          () => true,
          () => false,
        );
      expect([await exists(orphan), await exists(kept), await exists(unlabelled)]).toEqual([false, true, true]);
    } finally {
      await again.stop();
      await Promise.all([kept.remove({ force: true }), unlabelled.remove({ force: true })]);
    }
    // stopped right after starting, while its kubelets were still starting sandboxes (system pods included): no pod
    // of it may stay on its network, which would hold the pod subnet against the next cluster
    expect((await docker.listNetworks({ filters: { label: [`io.kubelab.cluster=${clusterLabel}`] } })).map((n) => n.Name)).toEqual([]);
  }, 120_000);
});

describe.skipIf(!!skip)('a topology mixing runtimes', () => {
  let tc: TestCluster;
  afterAll(async () => {
    await tc?.stop();
  });

  it('runs one Docker worker beside simulated nodes', async () => {
    tc = await startMixedCluster('kubelab-mixed-');
    const versions = (
      await tc.kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.nodeInfo.containerRuntimeVersion}{"\\n"}{end}'])
    ).stdout;
    expect(versions).toContain('kubelab-control-plane=kubelab-sim://');
    expect(versions).toContain('kubelab-worker=kubelab-sim://');
    expect(versions).toContain(`kubelab-worker2=docker://${daemonVersion}`);
    writeFileSync(
      join(tc.dataDir, 'two.yaml'),
      `apiVersion: v1
kind: Pod
metadata: {name: on-docker}
spec: {nodeName: kubelab-worker2, containers: [{name: c, image: busybox, command: ["sleep", "3600"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: on-sim}
spec: {nodeName: kubelab-worker, containers: [{name: c, image: busybox, command: ["sleep", "3600"]}]}
`,
    );
    await tc.kubectl(['apply', '-f', join(tc.dataDir, 'two.yaml')]);
    for (const name of ['on-docker', 'on-sim']) {
      await waitFor(async () => (await tc.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', {
        timeoutMs: 60_000,
        what: `${name} Running`,
      });
    }
    const uid = (name: string) => tc.kubectl(['get', 'pod', name, '-o', 'jsonpath={.metadata.uid}']).then((r) => r.stdout);
    expect(await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${await uid('on-docker')}`] } })).toHaveLength(2);
    expect(await docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${await uid('on-sim')}`] } })).toHaveLength(0);
    expect((await tc.kubectl(['exec', 'on-docker', '--', 'cat', '/proc/1/cmdline'])).stdout.replace(/\0/g, ' ').trim()).toBe('sleep 3600');
  }, 120_000);
});

// the Service proxy writes the host's NAT table: this process needs the rights (CI runs as root)
const nat = skip ? undefined : spawnSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8', timeout: 10_000 });
const natSkip = skip || (nat?.status === 0 ? '' : `no rights to read the host's NAT table: ${(nat?.stderr || nat?.error?.message || '').trim()}`);
if (natSkip && !skip) console.log(`docker-runtime: Service proxy test skipped — ${natSkip}`);

// both ways onto the cluster's network: sandboxes KubeLab plugs in itself (a root process: CI), and sandboxes Docker
// attaches (everyone else)
describe.skipIf(!!natSkip).each([
  { how: 'plugged in by KubeLab', env: undefined, mode: 'none' },
  { how: 'attached by Docker', env: 'docker', mode: 'kubelab-' },
])('Services, cluster DNS and the API server from Docker pods (sandboxes $how)', ({ env, mode }) => {
  let tc: TestCluster;
  const before = process.env.KUBELAB_DOCKER_POD_NETWORK;
  beforeAll(() => {
    if (env) process.env.KUBELAB_DOCKER_POD_NETWORK = env;
    else delete process.env.KUBELAB_DOCKER_POD_NETWORK;
  });
  afterAll(async () => {
    await tc?.stop();
    if (before === undefined) delete process.env.KUBELAB_DOCKER_POD_NETWORK;
    else process.env.KUBELAB_DOCKER_POD_NETWORK = before;
  });
  const kubelabChains = () =>
    spawnSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => /KUBELAB-/.test(l));

  it('reach Services backed by simulated and Docker pods, the cluster DNS and https://kubernetes.default.svc, and leave no chain behind', async () => {
    tc = await startMixedCluster(
      'kubelab-svcproxy-',
      `apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {nodeName: kubelab-worker2, containers: [{name: c, image: busybox, command: ["sleep", "3600"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {nodeName: kubelab-worker, containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: my-svc}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-docker, labels: {app: web-docker}}
spec: {nodeName: kubelab-worker2, containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: docker-svc}
spec: {selector: {app: web-docker}, ports: [{port: 8080, targetPort: 80}]}
`,
    );
    for (const name of ['client', 'web', 'web-docker'])
      await waitFor(async () => (await tc.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True', {
        timeoutMs: 60_000,
        what: `${name} Ready`,
      });
    const exec = (...cmd: string[]) => tc.kubectl(['exec', 'client', '--', ...cmd]);
    expect((await exec('cat', '/etc/resolv.conf')).stdout).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    const svcIP = (await tc.kubectl(['get', 'svc', 'my-svc', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    // CoreDNS may still be starting on its node: ask until it answers. busybox's nslookup (1.29+) also asks every
    // search domain and exits 1 when one of them is NXDOMAIN, as it does on any cluster: the answer is what counts
    const lookup = (name: string, address: string) =>
      waitFor(
        async () => {
          const r = await exec('nslookup', name);
          if (!r.stdout.includes(`Address: ${address}\n`)) throw new Error(r.stdout + r.stderr);
          return true;
        },
        { timeoutMs: 60_000, what: `nslookup ${name} answering ${address}` },
      );
    await lookup('kubernetes.default.svc.cluster.local', '10.96.0.1');
    await lookup('my-svc', svcIP);
    // DNS over TCP (what resolvers fall back to after a truncated answer): the rule iptables-save shows for
    // 10.96.0.10 TCP 53 leads to a listener that CoreDNS answers through
    const rule = kubelabChains().find((l) => l.includes('-d 10.96.0.10/32 -p tcp -m tcp --dport 53 '));
    const [, gw, port] = /--to-destination ([\d.]+):(\d+)/.exec(rule ?? '') ?? [];
    expect(gw).toBe('10.244.255.254');
    const q = Buffer.concat([
      Buffer.from([0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
      ...'kubernetes.default.svc.cluster.local'.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
      Buffer.from([0, 0, 1, 0, 1]),
    ]);
    const tcpReply = await new Promise<Buffer>((resolve, reject) => {
      const sock = connect(Number(port), gw, () => sock.write(Buffer.concat([Buffer.from([0, q.length]), q])));
      let got = Buffer.alloc(0);
      sock.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
          sock.destroy();
          resolve(got.subarray(2));
        }
      });
      sock.on('error', reject);
    });
    expect(tcpReply.readUInt16BE(0)).toBe(0xabcd);
    expect([...tcpReply.subarray(tcpReply.length - 4)]).toEqual([10, 96, 0, 1]);
    // (busybox-static's wget crashes on -T: busybox's own timeout bounds it)
    const fetched = (url: string) =>
      waitFor(
        async () => {
          const r = await exec('timeout', '10', 'wget', '-qO-', url);
          if (r.code !== 0) throw new Error(r.stdout + r.stderr);
          return r.stdout;
        },
        { timeoutMs: 30_000, what: `wget ${url}` },
      );
    expect(await fetched('http://my-svc')).toContain('Welcome to nginx!');
    // a Service whose endpoint is a Docker pod: the simulated data path delivers the last hop over real TCP
    expect(await fetched('http://docker-svc:8080')).toContain('Welcome to nginx!');
    // and straight to the other Docker pod's IP, over the cluster's bridge
    const dockerPodIP = (await tc.kubectl(['get', 'pod', 'web-docker', '-o', 'jsonpath={.status.podIP}'])).stdout;
    expect(await fetched(`http://${dockerPodIP}/`)).toContain('Welcome to nginx!');
    const sandbox = (await docker.listContainers({ filters: { label: ['io.kubernetes.pod.name=web-docker', 'io.kubernetes.docker.type=podsandbox'] } }))[0];
    expect(sandbox.HostConfig.NetworkMode).toBe(mode === 'none' ? 'none' : `kubelab-${sandbox.Labels['io.kubelab.cluster']}`);
    // the in-cluster API as client-go sees it: https://kubernetes.default.svc, the ServiceAccount token and CA.
    // kubectl (a static Go binary) is the TLS client: busybox's own TLS offers only signatures the API server refuses
    // (the real file: kubectl cp of a symlink copies the link)
    expect((await tc.kubectl(['cp', realpathSync(kubectl!), 'client:/tmp/kubectl'])).code).toBe(0);
    const inCluster = (...args: string[]) =>
      exec(
        'sh',
        '-c',
        `chmod +x /tmp/kubectl; S=/var/run/secrets/kubernetes.io/serviceaccount; /tmp/kubectl --server=https://kubernetes.default.svc --certificate-authority=$S/ca.crt --token="$(cat $S/token)" ${args.join(' ')}`,
      );
    const version = await inCluster('get', '--raw', '/version');
    expect(version.code, version.stderr).toBe(0);
    expect(JSON.parse(version.stdout).gitVersion).toMatch(/^v1\./);
    // RBAC gives the default ServiceAccount no pod list: 403 with the API server's own message
    const pods = await inCluster('get', 'pods');
    expect(pods.stderr).toContain('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods"');
    // NetworkPolicy egress applies to the Docker pod as to a simulated client: DNS only, so the Service is dropped
    writeFileSync(
      join(tc.dataDir, 'np.yaml'),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-dns-only}
spec:
  podSelector: {matchLabels: {run: client}}
  policyTypes: [Egress]
  egress: [{ports: [{port: 53, protocol: UDP}]}]
`,
    );
    await tc.kubectl(['label', 'pod', 'client', 'run=client']);
    await tc.kubectl(['apply', '-f', join(tc.dataDir, 'np.yaml')]);
    await waitFor(async () => (await exec('timeout', '3', 'wget', '-qO-', 'http://my-svc')).code !== 0, {
      timeoutMs: 30_000,
      what: 'the policy dropping my-svc',
    });
    await lookup('my-svc', svcIP);
    expect(kubelabChains().length).toBeGreaterThan(0);
    await tc.cluster.stop();
    expect(kubelabChains()).toEqual([]);
  }, 240_000);
});

describe.skipIf(!!skip)('the simulated data path into Docker pods', () => {
  let tc: TestCluster;
  const k = (...args: string[]) => tc.kubectl(args);
  /** wget from the simulated client pod; -T bounds the connect (a dropped SYN) */
  const fetchFromSim = (url: string, timeoutS = 5) => k('-n', 'cl', 'exec', 'client', '--', 'wget', '-qO-', '-T', String(timeoutS), url);
  /** GET from the student's machine (a host port on 127.0.0.1) */
  const fetchFromHost = (port: number, host?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', headers: host ? { Host: host } : {}, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error(`GET 127.0.0.1:${port}: timed out`)));
    });
  let webIP = '';

  beforeAll(async () => {
    tc = await startMixedCluster(
      'kubelab-dpath-',
      `apiVersion: v1
kind: Namespace
metadata: {name: dn}
---
apiVersion: v1
kind: Namespace
metadata: {name: cl}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: dn, labels: {app: web}}
spec: {nodeName: kubelab-worker2, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80, hostPort: 8081}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dn}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 8080, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: dn}
spec:
  rules:
  - host: web.example
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: cl}
spec: {nodeName: kubelab-worker, containers: [{name: c, image: busybox, command: ["sleep", "3600"]}]}
`,
    );
    for (const [ns, name] of [
      ['dn', 'web'],
      ['cl', 'client'],
    ])
      await waitFor(async () => (await k('-n', ns, 'get', 'pod', name, '-o', 'jsonpath={.status.phase}')).stdout === 'Running', {
        timeoutMs: 60_000,
        what: `${ns}/${name} Running`,
      });
    webIP = (await k('-n', 'dn', 'get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}')).stdout;
    // the pod IP is a real container's: the Docker runtime runs it, the simulator does not
    const uid = (await k('-n', 'dn', 'get', 'pod', 'web', '-o', 'jsonpath={.metadata.uid}')).stdout;
    expect(await docker.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${uid}`] } })).toHaveLength(2);
  }, 180_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('lets a simulated pod fetch a Docker pod by pod IP, through its ClusterIP Service and its hostPort', async () => {
    // busybox httpd inside the container may still be starting when the pod turns Running
    const byIP = await waitFor(
      async () => {
        const r = await fetchFromSim(`http://${webIP}/`);
        return r.code === 0 ? r.stdout : undefined;
      },
      { timeoutMs: 20_000, what: `wget http://${webIP}/ from the simulated pod` },
    );
    expect(byIP).toContain('Welcome to nginx!');
    const bySvc = await fetchFromSim('http://web.dn.svc.cluster.local:8080/');
    expect(bySvc.stderr).toBe('');
    expect(bySvc.stdout).toContain('Welcome to nginx!');
    // the hostPort on the Docker node's IP (the portmap plugin's DNAT, from the CNI ADD the Docker sandbox reported)
    const nodeIP = (await k('get', 'node', 'kubelab-worker2', '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}')).stdout;
    expect((await fetchFromSim(`http://${nodeIP}:8081/`)).stdout).toContain('Welcome to nginx!');
    // nothing listens on that port in the container: the real refusal reaches the client as busybox prints it
    const refused = await fetchFromSim(`http://${webIP}:81/`);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`can't connect to remote host (${webIP}): Connection refused`);
  }, 60_000);

  it("reaches the Docker pod from the student's machine through its NodePort and an Ingress", async () => {
    const host = tc.cluster.nodes.clusterNetwork!.hostAccess!;
    const nodePort = Number((await k('-n', 'dn', 'get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}')).stdout);
    const published = (await waitFor(
      async () => {
        await host.settled();
        const p = host.published();
        const np = p.find((x) => x.nodePort === nodePort)?.hostPort;
        const entry = p.find((x) => x.entry === 'http')?.hostPort;
        return np && entry ? { np, entry } : undefined;
      },
      { what: 'the NodePort and the ingress entry point on 127.0.0.1' },
    ))!;
    const viaNodePort = await fetchFromHost(published.np);
    expect(viaNodePort.status).toBe(200);
    expect(viaNodePort.body).toContain('Welcome to nginx!');
    await waitFor(async () => (await k('-n', 'ingress-nginx', 'rollout', 'status', 'deploy/ingress-nginx-controller', '--timeout=5s')).code === 0, {
      what: 'ingress-nginx rolled out',
      timeoutMs: 90_000,
    });
    const viaIngress = (await waitFor(
      async () => {
        const r = await fetchFromHost(published.entry, 'web.example');
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'the Ingress routing web.example to the Docker pod' },
    ))!;
    expect(viaIngress.body).toContain('Welcome to nginx!');
  }, 150_000);

  it("applies a deny-all ingress NetworkPolicy in the Docker pod's namespace to simulated clients", async () => {
    // allowed until the policy exists: what changes below is the policy's doing
    expect((await fetchFromSim(`http://${webIP}/`)).stdout).toContain('Welcome to nginx!');
    expect(
      (
        await tc.kubectl(['apply', '-f', '-'], {
          input: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: dn}
spec: {podSelector: {}, policyTypes: [Ingress]}
`,
        })
      ).code,
    ).toBe(0);
    // the policy agent sees the policy through its informer: wait until the fetch is dropped (a time-out, not a refusal)
    const denied = (await waitFor(
      async () => {
        const r = await fetchFromSim(`http://${webIP}/`, 2);
        return r.code !== 0 ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'the deny-all policy dropping the fetch' },
    ))!;
    expect(denied.stderr).toContain('download timed out');
    const bySvc = await fetchFromSim('http://web.dn.svc.cluster.local:8080/', 2);
    expect(bySvc.code).not.toBe(0);
    expect(bySvc.stderr).toContain('download timed out');
  }, 60_000);
});

describe.skipIf(!kubectl)('Docker runtime without a daemon', () => {
  it('explains what it found and keeps the nodes on the simulator', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-nodocker-'));
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(dataDir, 'no-such.sock')}`;
    const lines: string[] = [];
    try {
      const c = await startCluster({ dataDir, port: 0, nodes: 1, runtime: 'docker', log: (l) => lines.push(l) });
      try {
        expect(c.docker?.available).toBe(false);
        expect(c.docker?.error).toContain('no-such.sock does not exist');
        expect(lines.join('\n')).toContain('stay on the simulator');
        expect(c.nodes.runtime('kubelab-control-plane').name).toBe('sim');
      } finally {
        await c.stop();
      }
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
