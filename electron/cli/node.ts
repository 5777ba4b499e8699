// `kubelab node stop|start|list`: power a simulated node off or on through the API (the kubelet reacts to the
// kubelab.io/power annotation), so a lab can show NotReady nodes, evictions and recovery.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import YAML from 'yaml';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { defaultDataDir } from '../app/paths';

const POWER_ANNOTATION = 'kubelab.io/power';

const HELP = `Usage: kubelab node stop|start NAME [--kubeconfig FILE | --data-dir DIR]
       kubelab node list [--kubeconfig FILE | --data-dir DIR]
       kubelab node shell NAME [-- COMMAND...] [--kubeconfig FILE | --data-dir DIR]

  stop NAME    power the node off: its kubelet stops heartbeating and reporting (the node turns NotReady)
  start NAME   power it back on
  list         nodes with their power state and Ready condition
  shell NAME   a root shell on the node: crictl, systemctl status|restart kubelet, journalctl -u kubelet,
               /var/log/pods and /var/log/containers, static pods in /etc/kubernetes/manifests;
               with a COMMAND, runs it and exits with its status
`;

interface Conn {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
}

function connection(kubeconfig: string): Conn {
  const kc = YAML.parse(readFileSync(kubeconfig, 'utf8'));
  const ctxName = kc['current-context'];
  const ctx = (kc.contexts ?? []).find((c: any) => c.name === ctxName)?.context ?? kc.contexts?.[0]?.context ?? {};
  const cluster = ((kc.clusters ?? []).find((c: any) => c.name === ctx.cluster) ?? kc.clusters?.[0])?.cluster;
  const user = ((kc.users ?? []).find((u: any) => u.name === ctx.user) ?? kc.users?.[0])?.user ?? {};
  if (!cluster?.server) throw new Error(`${kubeconfig}: no cluster server`);
  const b64 = (s?: string) => (s ? Buffer.from(s, 'base64').toString('utf8') : undefined);
  const file = (p?: string) => (p ? readFileSync(p, 'utf8') : undefined);
  return {
    server: cluster.server,
    ca: b64(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']),
    cert: b64(user['client-certificate-data']) ?? file(user['client-certificate']),
    key: b64(user['client-key-data']) ?? file(user['client-key']),
    token: user.token,
  };
}

function request(c: Conn, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ code: number; json: any }> {
  return new Promise((res, rej) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      new URL(path, c.server),
      {
        method,
        ca: c.ca,
        cert: c.cert,
        key: c.key,
        headers: { Accept: 'application/json', ...(data ? { 'Content-Type': contentType } : {}), ...(c.token ? { Authorization: `Bearer ${c.token}` } : {}) },
      },
      (r) => {
        let buf = '';
        r.on('data', (d) => (buf += d));
        r.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(buf);
          } catch {
            json = { message: buf };
          }
          res({ code: r.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', rej);
    if (data) req.write(data);
    req.end();
  });
}

export async function runNode(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { kubeconfig: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [verb, name] = positionals;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!verb || !['stop', 'start', 'list', 'shell'].includes(verb) || (verb !== 'list' && !name)) {
    process.stderr.write(HELP);
    return 1;
  }
  const kubeconfig = values.kubeconfig ? resolve(values.kubeconfig) : join(resolve(values['data-dir'] ?? defaultDataDir()), 'kubeconfig');
  if (!existsSync(kubeconfig)) {
    process.stderr.write(`kubelab node: ${kubeconfig} not found; is the cluster running (kubelab start)?\n`);
    return 1;
  }
  const c = connection(kubeconfig);
  try {
    if (verb === 'shell') return await nodeShell(c, name, positionals.slice(2));
    if (verb === 'list') {
      const r = await request(c, 'GET', '/api/v1/nodes');
      if (r.code !== 200) {
        process.stderr.write(`Error from server: ${r.json.message}\n`);
        return 1;
      }
      const rows = [['NAME', 'POWER', 'READY']];
      for (const n of r.json.items ?? []) {
        const ready = (n.status?.conditions ?? []).find((x: any) => x.type === 'Ready')?.status ?? 'Unknown';
        rows.push([n.metadata.name, n.metadata.annotations?.[POWER_ANNOTATION] === 'off' ? 'off' : 'on', ready]);
      }
      const w = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
      for (const row of rows)
        process.stdout.write(
          row
            .map((v, i) => v.padEnd(w[i] + 3))
            .join('')
            .trimEnd() + '\n',
        );
      return 0;
    }
    const power = verb === 'stop' ? 'off' : 'on';
    const r = await request(
      c,
      'PATCH',
      `/api/v1/nodes/${encodeURIComponent(name)}`,
      { metadata: { annotations: { [POWER_ANNOTATION]: power } } },
      'application/merge-patch+json',
    );
    if (r.code === 404) {
      process.stderr.write(`Error from server (NotFound): nodes "${name}" not found\n`);
      return 1;
    }
    if (r.code >= 300) {
      process.stderr.write(`Error from server: ${r.json.message}\n`);
      return 1;
    }
    process.stdout.write(`node/${name} ${verb === 'stop' ? 'powered off' : 'powered on'}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`kubelab node: cannot reach the API server at ${c.server}: ${(err as Error).message}\n`);
    return 1;
  }
}

/** one command line through the API server's node shell endpoint; a 404 means no such node */
async function shellLine(c: Conn, node: string, session: string, command: string): Promise<{ stdout: string; stderr: string; exitCode: number; cwd: string }> {
  const r = await request(c, 'POST', `/kubelab/nodes/${encodeURIComponent(node)}/shell`, { session, command });
  if (r.code !== 200) throw new ShellError(r.code === 404 ? `Error from server (NotFound): nodes "${node}" not found` : `Error from server: ${r.json.message}`);
  return r.json;
}

class ShellError extends Error {}

async function nodeShell(c: Conn, node: string, command: string[]): Promise<number> {
  const session = randomUUID();
  try {
    if (command.length) {
      const r = await shellLine(c, node, session, command.map(shellQuote).join(' '));
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return r.exitCode;
    }
    let cwd = (await shellLine(c, node, session, 'true')).cwd;
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
    const prompt = () => {
      rl.setPrompt(`root@${node}:${cwd === '/root' ? '~' : cwd}# `);
      rl.prompt();
    };
    let last = 0;
    prompt();
    for await (const line of rl) {
      if (/^\s*(exit|logout)\s*$/.test(line)) break;
      if (line.trim()) {
        const r = await shellLine(c, node, session, line);
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
        cwd = r.cwd;
        last = r.exitCode;
      }
      prompt();
    }
    rl.close();
    return last;
  } catch (err) {
    if (err instanceof ShellError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
