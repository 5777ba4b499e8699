// What of a Killercoda scenario KubeLab cannot do, line by line: package installs and downloads (KubeLab is
// offline), Docker on the host, node commands and files outside `ssh NODE` (Killercoda's terminal is root on the
// control plane; KubeLab's is the student's own machine), traffic-port URLs. Reported by `kubelab lab lint`.
export interface KcFinding {
  where: string;
  severity: 'error' | 'warning';
  message: string;
}

interface Rule {
  test: RegExp;
  severity: 'error' | 'warning';
  message: string;
  /** the rule does not apply inside `ssh NODE …` (the command then runs on the node, where it exists) */
  onNodeOk?: boolean;
}

const CMD = String.raw`(?:^|[;&|(]\s*|\bsudo\s+|\bthen\s+|\bdo\s+|\$\(\s*)`;
const RULES: Rule[] = [
  {
    test: new RegExp(`${CMD}(apt|apt-get|yum|dnf|apk|zypper|snap|pip3?|npm|gem|brew)\\s+(install|add|update|upgrade)\\b`),
    severity: 'error',
    message: 'installs packages from the internet: KubeLab works offline (there is no package mirror)',
  },
  {
    test: /\b(curl|wget)\b[^#]*\bhttps?:\/\/(?!(localhost|127\.0\.0\.1|\[::1\]|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)|[\w.-]+\.(svc|cluster\.local)\b|[\w-]+[:/\s])/,
    severity: 'error',
    message: 'downloads from the internet: KubeLab works offline (ship the file with the lab and apply it from the lab folder)',
  },
  { test: new RegExp(`${CMD}git\\s+clone\\b`), severity: 'error', message: 'clones a repository from the internet: KubeLab works offline' },
  {
    test: new RegExp(`${CMD}(docker|podman|nerdctl|buildah|ctr)\\s`),
    severity: 'error',
    message:
      'runs a container engine on the host: the simulated nodes have none (crictl in `ssh NODE` shows their containers; images come from the simulator catalogue)',
  },
  {
    test: new RegExp(`${CMD}(crictl|systemctl|journalctl|kubeadm|etcdctl|service|reboot|ip|iptables|iptables-save)\\s`),
    severity: 'warning',
    onNodeOk: true,
    message:
      "is a node's command: Killercoda runs it on controlplane, KubeLab's terminal and scripts run on your machine — write it as `ssh controlplane <command>` (or `ssh node01 …`)",
  },
  {
    test: /(^|[\s"'=>])\/(etc\/kubernetes|var\/lib\/kubelet|var\/lib\/etcd|etc\/cni|var\/log\/pods|var\/log\/containers|opt\/cni)\b/,
    severity: 'warning',
    onNodeOk: true,
    message: "is a node's file: KubeLab's terminal and scripts run on your machine — reach it with `ssh controlplane …`",
  },
  {
    test: /(^|[\s"'=>])\/root(\/|\b)/,
    severity: 'warning',
    message:
      "uses /root: Killercoda's terminal is root on controlplane; in KubeLab it is your own account on your machine — use a path under $HOME (or the node's, through ssh)",
  },
];

const onNode = /\bssh\s+(-\S+\s+)*\S+\s+\S/;

/** the findings for one script (every line) */
export function lintScript(file: string, content: string): KcFinding[] {
  return scanLines(
    file,
    content.split(/\r?\n/).map((text, i) => ({ text, line: i + 1 })),
  );
}

/** the findings for a Markdown text: its code blocks and inline commands, and Killercoda markers KubeLab has not */
export function lintMarkdown(file: string, content: string): KcFinding[] {
  const out: KcFinding[] = [];
  const code: { text: string; line: number }[] = [];
  let fence: string | undefined;
  const lines = content.split(/\r?\n/);
  lines.forEach((text, i) => {
    const line = i + 1;
    const f = /^\s*(```|~~~)/.exec(text);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1] === fence) fence = undefined;
      if (/\{\{\s*exec\s+interrupt\s*\}\}/.test(text))
        out.push({
          where: `${file}:${line}`,
          severity: 'warning',
          message: '{{exec interrupt}}: KubeLab sends no Ctrl-C first — its Run button types only into an idle prompt (else a new tab)',
        });
      return;
    }
    if (fence) {
      code.push({ text, line });
      return;
    }
    for (const m of text.matchAll(/`([^`\n]+)`\{\{\s*(exec|copy)(\s+interrupt)?\s*\}\}/g)) {
      code.push({ text: m[1], line });
      if (m[3])
        out.push({
          where: `${file}:${line}`,
          severity: 'warning',
          message: '{{exec interrupt}}: KubeLab sends no Ctrl-C first — its Run button types only into an idle prompt (else a new tab)',
        });
    }
    for (const m of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (/^(exec|copy)(\s+interrupt)?$/.test(m[1])) continue;
      out.push({
        where: `${file}:${line}`,
        severity: /^TRAFFIC_/.test(m[1]) ? 'error' : 'warning',
        message: /^TRAFFIC_/.test(m[1])
          ? `{{${m[1]}}}: Killercoda's traffic URLs do not exist in KubeLab — use kubectl port-forward or a NodePort (published on 127.0.0.1)`
          : `{{${m[1]}}} is not a marker KubeLab knows; it is shown as written`,
      });
    }
  });
  if (fence)
    out.push({ where: `${file}:${lines.length}`, severity: 'warning', message: 'a code block is never closed: KubeLab closes it at the end of this text' });
  return [...out, ...scanLines(file, code)];
}

function scanLines(file: string, lines: { text: string; line: number }[]): KcFinding[] {
  const out: KcFinding[] = [];
  for (const { text, line } of lines) {
    const t = text.trim();
    if (!t || t.startsWith('#')) continue;
    for (const r of RULES) {
      const m = r.test.exec(t);
      if (!m) continue;
      if (r.onNodeOk && onNode.test(t) && t.search(onNode) < m.index + m[0].length) continue;
      out.push({ where: `${file}:${line}`, severity: r.severity, message: `\`${clip(t)}\` ${r.message}` });
    }
  }
  return out;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
