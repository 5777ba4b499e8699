// The node shell through the API server (POST /kubelab/nodes/NAME/shell, what `kubelab node shell` sends):
// crictl over the node's real sandboxes and containers, the kubelet's unit and journal, /var/log/pods, and the
// registration point other components add programs and files through.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import https from 'node:https';
import { startTestCluster, waitFor, type TestCluster } from '../../../../test/harness';
import { registerNodeFile, registerNodeProgram, ok } from './table';

interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  cwd: string;
}

describe('node shell', () => {
  let tc: TestCluster;
  let node = '';
  let pod = '';

  function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
    const pki = tc.cluster.pki;
    return new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = https.request(
        {
          host: '127.0.0.1',
          port: tc.cluster.port,
          path,
          method: 'POST',
          ca: pki.ca.certPem,
          cert: pki.admin.certPem,
          key: pki.admin.keyPem,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }
  const sh = async (command: string, session = 's1'): Promise<ShellResult> => {
    const r = await post(`/kubelab/nodes/${node}/shell`, { session, command });
    expect(r.status).toBe(200);
    return r.json as ShellResult;
  };

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    await waitFor(async () => (await tc.kubectl(['run', 'web', '--image=nginx'])).code === 0, { what: 'run' });
    await waitFor(async () => (await tc.kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', { what: 'web running' });
    node = (await tc.kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.spec.nodeName}'])).stdout;
    pod = (await tc.kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.uid}'])).stdout;
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it("crictl lists the node's sandboxes, containers and images and reads a container's log", async () => {
    const ps = await sh('crictl ps');
    expect(ps.stdout.split('\n')[0]).toMatch(/^CONTAINER {11}IMAGE {15}CREATED {13,}STATE {15}NAME {16}ATTEMPT {13}POD ID {14}POD {17,}NAMESPACE$/);
    expect(ps.stdout).toMatch(/^[0-9a-f]{13} +[0-9a-f]{13} +.* ago +Running +web +0 +[0-9a-f]{13} +web +default$/m);
    const pods = await sh('crictl pods');
    expect(pods.stdout).toMatch(/^[0-9a-f]{13} +.* ago +Ready +web +default +0 +\(default\)$/m);
    expect((await sh('crictl images')).stdout).toMatch(/^docker\.io\/library\/nginx +latest +[0-9a-f]{13} +\d+(\.\d+)?MB$/m);
    // nginx writes its start-up lines while already running
    await waitFor(
      async () =>
        (await sh('crictl logs $(crictl ps | grep " web " | cut -d" " -f1)')).stdout.includes(
          '/docker-entrypoint.sh: Configuration complete; ready for start up',
        ),
      { what: 'nginx start-up log' },
    );
    const inspect = JSON.parse((await sh('crictl inspect $(crictl ps | grep " web " | cut -d" " -f1)')).stdout) as {
      status: { state: string; labels: Record<string, string> };
    };
    expect(inspect.status.state).toBe('CONTAINER_RUNNING');
    expect(inspect.status.labels['io.kubernetes.pod.uid']).toBe(pod);
    expect((await sh('crictl exec $(crictl ps | grep " web " | cut -d" " -f1) cat /etc/hostname')).stdout).toBe('web\n');
    const bad = await sh('crictl inspect ffffffff');
    expect([bad.exitCode, bad.stderr]).toEqual([1, 'E0000 container "ffffffff" not found\n']);
  });

  it("the pods' logs are under /var/log/pods in the kubelet's layout, and the session keeps its directory", async () => {
    const cd = await sh('cd /var/log/pods/default_web_' + pod + '/web && ls', 's2');
    expect(cd.stdout).toBe('0.log\n');
    expect(cd.cwd).toBe(`/var/log/pods/default_web_${pod}/web`);
    expect((await sh('pwd', 's2')).stdout).toBe(`/var/log/pods/default_web_${pod}/web\n`);
    expect((await sh('pwd', 'other')).stdout).toBe('/root\n');
  });

  it('systemctl status kubelet and journalctl -u kubelet show the kubelet and its log', async () => {
    const st = await sh('systemctl status kubelet');
    expect(st.exitCode).toBe(0);
    expect(st.stdout).toMatch(/^● kubelet\.service - kubelet: The Kubernetes Node Agent\n/);
    expect(st.stdout).toMatch(/^ {5}Active: active \(running\) since /m);
    const j = await sh('journalctl -u kubelet');
    expect(j.stdout).toMatch(
      new RegExp(
        `^\\w{3} \\d{2} [\\d:]{8} ${node} kubelet\\[\\d+\\]: I\\d{4} [\\d:.]{15} +\\d+ event\\.go:\\d+\\] "Event occurred" object="default/web" fieldPath="spec\\.containers\\{web\\}" kind="Pod" apiVersion="v1" type="Normal" reason="Started" message="Started container web"$`,
        'm',
      ),
    );
    expect((await sh('journalctl -u kubelet -n 1')).stdout.trim().split('\n')).toHaveLength(1);
    expect((await sh('systemctl status nope')).stderr).toBe('Unit nope.service could not be found.\n');
  });

  it('shows what kube-proxy and the CNI plugin left on the node: iptables-save, ip route/addr, the conflist', async () => {
    const save = await sh('iptables-save');
    expect(save.exitCode).toBe(0);
    expect(save.stdout).toMatch(/^:KUBE-SERVICES - \[0:0\]$/m);
    expect(save.stdout).toContain('-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP"');
    const other = (await tc.kubectl(['get', 'nodes', '-o', `jsonpath={.items[?(@.metadata.name!="${node}")].spec.podCIDR}`])).stdout.trim();
    expect(other).toMatch(/^10\.244\.\d+\.0\/24$/);
    expect((await sh('ip route')).stdout).toContain(`${other} via `);
    expect((await sh('ip addr')).stdout).toContain('cni0');
    expect(JSON.parse((await sh('cat /etc/cni/net.d/10-kubelab.conflist')).stdout).plugins[0].type).toBe('bridge');
    expect((await sh('ip link set eth0 down')).exitCode).not.toBe(0);
  });

  it('components add programs and files through the node view table', async () => {
    registerNodeProgram('kubelab-test-prog', async (args, { node: n }) => ok(`${n.nodeName} ${args.join(',')}\n`));
    registerNodeFile('/etc/kubelab-test/info', (n) => `node ${n.nodeName}\n`);
    const fresh = `s-${Date.now()}`;
    expect((await sh('kubelab-test-prog a b', fresh)).stdout).toBe(`${node} a,b\n`);
    expect((await sh('cat /etc/kubelab-test/info; ls /etc/kubelab-test', fresh)).stdout).toBe(`node ${node}\ninfo\n`);
    expect((await sh('head -2 /var/lib/kubelet/config.yaml', fresh)).stdout).toBe('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n');
  });

  it('crictl filters by pod, name and namespace, measures CPU over a sample and stops a container, which the kubelet starts again', async () => {
    await tc.kubectl([
      'run',
      'duo',
      '--image=busybox',
      `--overrides={"spec":{"nodeName":"${node}","containers":[{"name":"spin","image":"busybox","command":["sh","-c","while true; do :; done"],"resources":{"limits":{"cpu":"300m"}}},{"name":"idle","image":"busybox","command":["sleep","3600"]}]}}`,
    ]);
    await waitFor(async () => (await tc.kubectl(['get', 'pod', 'duo', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', { what: 'duo running' });
    const sandbox = (await sh('crictl pods --name "^duo$" --namespace default -q')).stdout.trim();
    expect(sandbox).toMatch(/^[0-9a-f]{64}$/);
    // one sandbox, two containers in it
    const ps = (await sh(`crictl ps --pod ${sandbox.slice(0, 8)}`)).stdout.trim().split('\n');
    expect(ps).toHaveLength(3);
    expect(
      ps
        .slice(1)
        .map((l) => l.split(/ {3,}/)[4])
        .sort(),
    ).toEqual(['idle', 'spin']);
    expect((await sh('crictl pods --name nope')).stdout.trim().split('\n')).toHaveLength(1);
    const stats = (await sh(`crictl stats --pod ${sandbox}`)).stdout;
    expect(stats.split('\n')[0]).toMatch(/^CONTAINER +NAME +CPU % +MEM +DISK +INODES +SWAP$/);
    const cpu = (name: string) => Number(new RegExp(`^[0-9a-f]{13} +${name} +([\\d.]+) `, 'm').exec(stats)![1]);
    expect(cpu('spin')).toBeGreaterThan(25);
    expect(cpu('spin')).toBeLessThanOrEqual(30.5);
    expect(cpu('idle')).toBeLessThan(1);
    const idle = (await sh(`crictl ps --pod ${sandbox} --name idle -q`)).stdout.trim();
    expect((await sh(`crictl stop ${idle.slice(0, 13)}`)).stdout).toBe(`${idle.slice(0, 13)}\n`);
    await waitFor(async () => (await sh(`crictl ps --pod ${sandbox} --name idle --state running -q`)).stdout.trim().length === 64, { what: 'idle restarted' });
    const all = (await sh(`crictl ps -a --pod ${sandbox} --name idle`)).stdout;
    expect(all).toMatch(/ Exited +idle +0 /);
    expect(all).toMatch(/ Running +idle +1 /);
    const xml = await sh('crictl ps -o xml');
    expect(xml.exitCode).toBe(1);
    expect(xml.stderr).toMatch(/^time="[^"]+" level=fatal msg="listing containers: unsupported output format \\"xml\\""\n$/);
  });

  it('crictl prints the CRI messages as JSON and YAML and measures the writable layer', async () => {
    await tc.kubectl(['run', 'files', '--image=busybox', `--overrides={"spec":{"nodeName":"${node}"}}`, '--', 'sleep', '3600']);
    await waitFor(async () => (await tc.kubectl(['get', 'pod', 'files', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', { what: 'files running' });
    const listed = JSON.parse((await sh('crictl ps --name "^files$" -o json')).stdout);
    expect(listed.containers).toHaveLength(1);
    const c = listed.containers[0];
    expect(Object.keys(c)).toEqual(['id', 'podSandboxId', 'metadata', 'image', 'imageRef', 'state', 'createdAt', 'labels', 'annotations', 'imageId']);
    expect(c).toMatchObject({
      metadata: { name: 'files', attempt: 0 },
      state: 'CONTAINER_RUNNING',
      labels: { 'io.kubernetes.pod.name': 'files', 'io.kubernetes.container.name': 'files' },
    });
    expect(c.createdAt).toMatch(/^\d{19}$/);
    const pods = (await sh('crictl pods --name "^files$" -o yaml')).stdout;
    expect(pods).toMatch(/^items:\n- annotations:\n/);
    expect(pods).toContain(`  id: ${c.podSandboxId}\n`);
    expect(pods).toContain('  state: SANDBOX_READY\n');
    const images = JSON.parse((await sh('crictl images -o json')).stdout).images;
    expect(images.find((i: any) => i.repoTags.includes('docker.io/library/busybox:latest'))).toMatchObject({ id: c.imageRef, pinned: false });
    expect((await sh(`crictl inspect -o yaml ${c.id.slice(0, 13)}`)).stdout).toContain('  state: CONTAINER_RUNNING\n');
    const layer = async () => {
      const row = (await sh(`crictl stats --id ${c.id} -s 0`)).stdout.split('\n')[1].split(/ {3,}/);
      return { disk: row[4], inodes: row[5] };
    };
    expect(await layer()).toEqual({ disk: '0B', inodes: '0' });
    // a folder, a 5000-byte file (two 4 KiB blocks) and a deleted image file (a whiteout)
    expect((await tc.kubectl(['exec', 'files', '--', 'sh', '-c', 'mkdir /data && head -c 5000 /dev/zero > /data/f && rm /etc/group'])).code).toBe(0);
    expect(await layer()).toEqual({ disk: '12.3kB', inodes: '3' });
  });

  it('crictl inspect/inspectp -o table and -o go-template print as cri-tools does; an unknown format fails after the lookup', async () => {
    const id = (await sh('crictl ps --name "^files$" -q')).stdout.trim();
    const table = await sh(`crictl inspect -o table ${id.slice(0, 13)}`);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `^ID: ${id}\nName: files\nState: CONTAINER_RUNNING\nCreated: .+ ago\nStarted: .+ ago\nLabels:\n\tio\\.kubernetes\\.container\\.name -> files\n` +
          `\tio\\.kubernetes\\.pod\\.name -> files\n\tio\\.kubernetes\\.pod\\.namespace -> default\n\tio\\.kubernetes\\.pod\\.uid -> [-0-9a-f]+\n` +
          `Annotations:\n(\t.+ -> .+\n)+Info: map\\[info:\\{.+\\}\\]\n$`,
      ),
    );
    expect((await sh(`crictl inspect -o table -q ${id}`)).stdout).not.toContain('Info:');
    const sandbox = (await sh('crictl pods --name "^files$" -q')).stdout.trim();
    expect((await sh(`crictl inspectp -o table ${sandbox}`)).stdout).toMatch(
      new RegExp(
        `^ID: ${sandbox}\nName: files\nUID: [-0-9a-f]+\nNamespace: default\nAttempt: 0\nStatus: SANDBOX_READY\nCreated: \\d{4}-\\d\\d-\\d\\d [\\d:.]+ \\+0000 UTC\nIP Addresses: 10\\.244\\.`,
      ),
    );
    const tmpl = await sh(
      `crictl inspect -o go-template --template '{{.status.metadata.name}} {{.status.state}}{{range $k, $v := .status.labels}} {{$k}}{{end}}' ${id}`,
    );
    expect(tmpl).toMatchObject({
      stdout: 'files CONTAINER_RUNNING io.kubernetes.container.name io.kubernetes.pod.name io.kubernetes.pod.namespace io.kubernetes.pod.uid\n',
      exitCode: 0,
    });
    expect((await sh(`crictl inspectp -o go-template --template '{{.status.metadata.name | upper}}' ${sandbox}`)).stdout).toBe('FILES\n');
    const missing = await sh(`crictl inspect -o go-template --template '{{.status.nope}}' ${id}`);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(
      'level=fatal msg="execute template: failed to template data: template: tmplExecuteRawJSON:1:2: executing \\"tmplExecuteRawJSON\\" at <.status.nope>: map has no entry for key \\"nope\\""',
    );
    const unknown = await sh(`crictl inspect -o foo ${id}`);
    expect(unknown).toMatchObject({ stdout: '', exitCode: 1 });
    expect(unknown.stderr).toContain('level=fatal msg="unsupported format: \\"foo\\""');
    // cri-tools' images prints its table for any -o other than json and yaml
    expect((await sh('crictl images -o foo')).stdout).toMatch(/^IMAGE +TAG +IMAGE ID +SIZE\n/);
  });

  it('crictl stopp, rmp and rm act on the runtime, and the kubelet gives a pod that still exists a new sandbox', async () => {
    const sandbox = (await sh('crictl pods --name "^files$" -q')).stdout.trim();
    const refused = await sh(`crictl rmp ${sandbox.slice(0, 13)}`);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`level=fatal msg="pod sandbox \\"${sandbox.slice(0, 13)}\\" is running, please stop it first"`);
    expect(await sh(`crictl rmp -f ${sandbox.slice(0, 13)}`)).toMatchObject({
      stdout: `Stopped sandbox ${sandbox.slice(0, 13)}\nRemoved sandbox ${sandbox.slice(0, 13)}\n`,
      exitCode: 0,
    });
    expect((await sh(`crictl inspectp ${sandbox}`)).exitCode).toBe(1);
    const fresh = await waitFor(
      async () => {
        const id = (await sh('crictl pods --name "^files$" --state ready -q')).stdout.trim();
        return id && id !== sandbox ? id : '';
      },
      { what: 'a new sandbox for the pod' },
    );
    await waitFor(async () => (await sh(`crictl ps --pod ${fresh} --name files -q`)).stdout.trim().length === 64, { what: 'the container in the new sandbox' });
    await waitFor(async () => (await tc.kubectl(['get', 'pod', 'files', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).stdout === '1', {
      what: 'restartCount 1',
    });
    // stopp leaves the sandbox NotReady; the kubelet records SandboxChanged and starts another one
    expect((await sh(`crictl stopp ${fresh.slice(0, 13)}`)).stdout).toBe(`Stopped sandbox ${fresh.slice(0, 13)}\n`);
    await waitFor(async () => (await sh('crictl pods --name "^files$" --state ready -q')).stdout.trim() !== fresh, { what: 'a third sandbox' });
    expect((await sh(`crictl pods --id ${fresh}`)).stdout).toMatch(/ NotReady +files /);
    await waitFor(
      async () =>
        (await tc.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=files,reason=SandboxChanged', '-o', 'name'])).stdout.trim().length > 0,
      { what: 'the SandboxChanged event' },
    );
    // rm: a running container needs -f
    const running = await waitFor(
      async () => {
        const id = (await sh('crictl ps --name "^files$" -q')).stdout.trim();
        return id.length === 64 && id;
      },
      { what: 'files running in the third sandbox' },
    );
    expect((await sh(`crictl rm ${running}`)).exitCode).toBe(1);
    expect((await sh(`crictl rm -f ${running}`)).exitCode).toBe(0);
    expect((await sh(`crictl ps -a --id ${running} -q`)).stdout).toBe('');
  }, 60_000);

  it('a manifest written to /etc/kubernetes/manifests runs as a static pod with a mirror; removing the file deletes both', async () => {
    const manifest = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: static-web\nspec:\n  containers:\n  - name: web\n    image: nginx\n';
    expect((await sh(`printf '${manifest}' > /etc/kubernetes/manifests/static-web.yaml`)).exitCode).toBe(0);
    const mirror = `static-web-${node}`;
    await waitFor(async () => (await tc.kubectl(['get', 'pod', mirror, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', { what: 'mirror running' });
    const pod = JSON.parse((await tc.kubectl(['get', 'pod', mirror, '-o', 'json'])).stdout);
    expect(pod.metadata.annotations['kubernetes.io/config.source']).toBe('file');
    expect(pod.metadata.annotations['kubernetes.io/config.mirror']).toMatch(/^[0-9a-f]{32}$/);
    expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: 'Node', name: node });
    expect((await sh('crictl pods --name static-web -q')).stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    // deleting the mirror only brings it back: the kubelet runs the file
    await tc.kubectl(['delete', 'pod', mirror, '--wait=false']);
    await waitFor(
      async () =>
        (await tc.kubectl(['get', 'pod', mirror, '-o', 'jsonpath={.metadata.uid}'])).stdout.length > 0 &&
        (await tc.kubectl(['get', 'pod', mirror, '-o', 'jsonpath={.metadata.uid}'])).stdout !== pod.metadata.uid,
      { what: 'mirror recreated' },
    );
    await sh('rm /etc/kubernetes/manifests/static-web.yaml');
    await waitFor(async () => (await tc.kubectl(['get', 'pod', mirror])).code !== 0, { what: 'mirror deleted' });
    await waitFor(async () => (await sh('crictl pods --name static-web -q')).stdout === '', { what: 'sandbox removed' });
    // a file that is no pod is reported in the kubelet's journal, not run
    await sh(`printf 'kind: Service\n' > /etc/kubernetes/manifests/bad.yaml`);
    await waitFor(async () => (await sh('journalctl -u kubelet | grep -c "Could not process manifest file"')).stdout.trim() === '1', {
      what: 'refusal logged',
    });
    await sh('rm /etc/kubernetes/manifests/bad.yaml');
  });

  it('/var/log/containers links each container to its log under /var/log/pods; systemctl restart kubelet starts a new process', async () => {
    const ls = (await sh('ls /var/log/containers')).stdout;
    const id = (await sh('crictl ps --name "^web$" --pod $(crictl pods --name "^web$" -q) -q')).stdout.trim();
    expect(ls).toContain(`web_default_web-${id}.log\n`);
    expect((await sh(`readlink /var/log/containers/web_default_web-${id}.log`)).stdout).toBe(`/var/log/pods/default_web_${pod}/web/0.log\n`);
    expect((await sh(`cat /var/log/containers/web_default_web-${id}.log`)).stdout).toContain('stdout F /docker-entrypoint.sh');
    const before = /Main PID: (\d+)/.exec((await sh('systemctl status kubelet')).stdout)![1];
    expect((await sh('systemctl restart kubelet')).exitCode).toBe(0);
    const after = /Main PID: (\d+)/.exec((await sh('systemctl status kubelet')).stdout)![1];
    expect(after).not.toBe(before);
    // the new process's first lines (its registration follows them)
    const j = (await sh('journalctl -u kubelet -n 8')).stdout;
    expect(j).toMatch(new RegExp(`^\\w{3} \\d{2} [\\d:]{8} ${node} systemd\\[1\\]: Started kubelet\\.service - kubelet: The Kubernetes Node Agent\\.$`, 'm'));
    expect(j).toMatch(new RegExp(`kubelet\\[${after}\\]: I\\d{4} [\\d:.]{15} +${after} server\\.go:\\d+\\] "Kubelet version"`));
    expect((await sh('systemctl restart nope')).stderr).toBe('Failed to restart nope.service: Unit nope.service not found.\n');
  });

  it('an unknown node is a 404, a malformed body a 400', async () => {
    expect((await post('/kubelab/nodes/nope/shell', { session: 'x', command: 'true' })).status).toBe(404);
    expect((await post(`/kubelab/nodes/${node}/shell`, { command: 1 })).status).toBe(400);
  });
  // last: it deletes the node's Node object. A running kubelet, like upstream's, registers only at start; restarting
  // it on the node is what brings a deleted Node back.
  it('systemctl restart kubelet registers a deleted Node again', async () => {
    expect((await tc.kubectl(['delete', 'node', node])).code).toBe(0);
    expect((await tc.kubectl(['get', 'node', node])).stderr).toContain(`nodes "${node}" not found`);
    // the running kubelet does not bring it back: its heartbeats fail, in the kubelet's words
    await waitFor(
      async () =>
        (await sh('journalctl -u kubelet')).stdout.includes(
          `kubelet_node_status.go:75] "Error updating node status, will retry" err="error getting node \\"${node}\\": nodes \\"${node}\\" not found"`,
        ),
      { what: 'a failed heartbeat in the journal', timeoutMs: 30_000 },
    );
    expect((await tc.kubectl(['get', 'node', node])).code).not.toBe(0);
    const r = await sh('systemctl restart kubelet');
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    await waitFor(async () => (await tc.kubectl(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True', {
      what: 'the re-registered node to be Ready',
    });
    expect((await sh('journalctl -u kubelet')).stdout).toMatch(new RegExp(`Successfully registered node node="${node}"`));
  });
});
