// `kubelab store get|list|watch <prefix>`: the etcd chapter's view of how the API server stores objects.
// With a running cluster it asks the API server (admin only); without one it reads the data dir directly.
import { parseArgs } from 'node:util';
import { resolve, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import YAML from 'yaml';
import { defaultDataDir } from '../app/paths';
import { openStore, formatKeyValue } from '../cluster';

const HELP = `Usage: kubelab store get|list|watch <key-prefix> [--data-dir DIR] [--values] [--rev N]

  get <key>       one key with create_revision, mod_revision and version (like etcdctl get -w fields)
  list <prefix>   every key under a prefix, e.g. /registry/configmaps/default/
  watch <prefix>  stream PUT/DELETE events under a prefix as they happen (Ctrl-C to stop)

Keys are laid out as upstream kube-apiserver lays out etcd: /registry/<resource>/<namespace>/<name>.
`;

export async function runStore(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, values: { type: 'boolean' }, rev: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length < 2) {
    process.stdout.write(HELP);
    return values.help ? 0 : 1;
  }
  const [verb, prefix] = positionals;
  if (!['get', 'list', 'watch'].includes(verb)) {
    process.stderr.write(`kubelab store: unknown verb "${verb}"\n${HELP}`);
    return 1;
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const kc = join(dataDir, 'kubeconfig');
  const remote = existsSync(kc) ? await tryRemote(kc, verb, prefix, !!values.values, values.rev) : undefined;
  if (remote !== undefined) return remote;
  if (verb === 'watch') {
    process.stderr.write('kubelab store watch needs a running cluster (kubelab start)\n');
    return 1;
  }
  const store = openStore({ path: join(dataDir, 'store.db'), compactEveryMs: 0 });
  try {
    const rev = values.rev ? Number(values.rev) : undefined;
    if (verb === 'get') {
      const kv = rev ? store.getAt(prefix, rev) : store.get(prefix);
      if (!kv) {
        process.stderr.write(`key ${prefix} not found\n`);
        return 1;
      }
      process.stdout.write(formatKeyValue(kv, { withValue: !!values.values }) + '\n');
    } else {
      const r = store.range(prefix, { revision: rev });
      for (const kv of r.kvs) process.stdout.write(formatKeyValue(kv, { withValue: !!values.values }) + '\n');
      process.stdout.write(`# ${r.count} keys at revision ${r.revision}\n`);
    }
  } finally {
    store.close();
  }
  return 0;
}

/** calls the running API server's /kubelab/store endpoint; undefined when no server answers */
async function tryRemote(kubeconfig: string, verb: string, prefix: string, withValues: boolean, rev?: string): Promise<number | undefined> {
  const kc = YAML.parse(readFileSync(kubeconfig, 'utf8'));
  const cluster = kc.clusters?.[0]?.cluster;
  const user = kc.users?.[0]?.user;
  if (!cluster?.server || !user) return undefined;
  const url = new URL(`/kubelab/store`, cluster.server);
  url.searchParams.set('verb', verb);
  url.searchParams.set('prefix', prefix);
  if (withValues) url.searchParams.set('values', 'true');
  if (rev) url.searchParams.set('rev', rev);
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  return new Promise((res) => {
    const req = https.get(
      url,
      { ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) },
      (r) => {
        if (r.statusCode !== 200) {
          let body = '';
          r.on('data', (c) => (body += c));
          r.on('end', () => {
            process.stderr.write(body + '\n');
            res(1);
          });
          return;
        }
        r.pipe(process.stdout, { end: false });
        r.on('end', () => res(0));
      },
    );
    req.on('error', () => res(undefined));
  });
}
