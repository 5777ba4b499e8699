// systemctl and journalctl for the node's one systemd unit that matters here: the kubelet (containerd is shown
// as running; its log is not kept).
import { fail, ok, registerNodeProgram, type NodeHost } from './table';

const weekday = (d: Date) => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
const stamp = (d: Date) => `${weekday(d)} ${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
const journalStamp = (d: Date) =>
  `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(d.getUTCDate()).padStart(2, '0')} ${d.toISOString().slice(11, 19)}`;

function journalLines(node: NodeHost): string[] {
  const j = node.kubelet.journal;
  return j.all().map((e) => `${journalStamp(e.at)} ${node.nodeName} ${e.unit ?? 'kubelet'}[${e.pid}]: ${j.klog(e)}`);
}

registerNodeProgram('systemctl', async (args, { node }) => {
  const [verb, unit0] = args.filter((a) => !a.startsWith('-'));
  const unit = (unit0 ?? '').replace(/\.service$/, '');
  if (verb !== 'status' && verb !== 'is-active' && verb !== 'restart')
    return fail(`systemctl ${verb ?? ''}: only status, is-active and restart are available on a KubeLab node\n`);
  if (unit !== 'kubelet' && unit !== 'containerd')
    return fail(
      `${verb === 'restart' ? `Failed to restart ${unit}.service: ` : ''}Unit ${unit}.service ${verb === 'restart' ? 'not found' : 'could not be found'}.\n`,
      verb === 'restart' ? 5 : 4,
    );
  if (verb === 'restart') {
    if (unit === 'kubelet') await node.kubelet.restart();
    return ok('');
  }
  const active = unit === 'containerd' || node.kubelet.isPowered;
  if (verb === 'is-active') return { stdout: active ? 'active\n' : 'inactive\n', stderr: '', exitCode: active ? 0 : 3 };
  const j = node.kubelet.journal;
  const since = j.startedAt;
  const lines = [
    `● ${unit}.service - ${unit === 'kubelet' ? 'kubelet: The Kubernetes Node Agent' : 'containerd container runtime'}`,
    `     Loaded: loaded (/etc/systemd/system/${unit}.service; enabled; preset: enabled)`,
    ...(unit === 'kubelet' ? ['    Drop-In: /etc/systemd/system/kubelet.service.d', '             └─10-kubeadm.conf, 11-kind.conf'] : []),
    `     Active: ${active ? `active (running) since ${stamp(since)}` : `inactive (dead) since ${stamp(new Date())}`}`,
    ...(unit === 'kubelet' ? ['       Docs: http://kubernetes.io/docs/'] : ['       Docs: https://containerd.io']),
    ...(active && unit === 'kubelet'
      ? [
          `   Main PID: ${j.pid} (kubelet)`,
          `     CGroup: /system.slice/kubelet.service`,
          `             └─${j.pid} /usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=${node.kubelet.hostIP}`,
        ]
      : []),
  ];
  const tail = unit === 'kubelet' ? journalLines(node).slice(-10) : [];
  return { stdout: lines.join('\n') + '\n' + (tail.length ? '\n' + tail.join('\n') + '\n' : ''), stderr: '', exitCode: active ? 0 : 3 };
});

registerNodeProgram('journalctl', async (args, { node }) => {
  let unit: string | undefined;
  let lines: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-u' || a === '--unit') unit = args[++i];
    else if (a.startsWith('--unit=')) unit = a.slice(7);
    else if (a.startsWith('-u')) unit = a.slice(2);
    else if (a === '-n' || a === '--lines') lines = Number(args[++i]);
    else if (a.startsWith('--lines=')) lines = Number(a.slice(8));
  }
  const name = (unit ?? '').replace(/\.service$/, '');
  if (name !== 'kubelet') return ok('-- No entries --\n');
  let out = journalLines(node);
  if (lines !== undefined && Number.isFinite(lines)) out = out.slice(-lines);
  return ok(out.length ? out.join('\n') + '\n' : '-- No entries --\n');
});
