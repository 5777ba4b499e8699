// etcdctl's command line: global flags (also from ETCDCTL_* variables, as etcdctl reads them), the command words, and
// each command's own flags. Unknown flags are refused with cobra's wording.

import { SNAPSHOT_RESTORE_FLAGS } from './snapshot';

export interface EtcdctlArgs {
  /** command words, e.g. ["endpoint", "status"] */
  command: string[];
  args: string[];
  endpoints: string[];
  cacert?: string;
  cert?: string;
  key?: string;
  insecureSkipVerify: boolean;
  writeOut: 'simple' | 'json' | 'fields' | 'table' | 'protobuf';
  hex: boolean;
  commandTimeoutMs: number;
  /** a command's own boolean and valued flags by name */
  flags: Map<string, string | true>;
}

export class UsageError extends Error {}

const GLOBAL_VALUED = new Set(['endpoints', 'cacert', 'cert', 'key', 'write-out', 'command-timeout', 'dial-timeout', 'user', 'password', 'discovery-srv']);
const GLOBAL_BOOL = new Set(['insecure-skip-tls-verify', 'insecure-transport', 'hex', 'debug', 'keepalive-time']);
/** each command's flags: name → takes a value */
export const COMMAND_FLAGS: Record<string, Record<string, boolean>> = {
  get: {
    prefix: false,
    'keys-only': false,
    'print-value-only': false,
    'count-only': false,
    'from-key': false,
    limit: true,
    rev: true,
    'sort-by': true,
    order: true,
    consistency: true,
  },
  put: { lease: true, 'prev-kv': false, 'ignore-value': false, 'ignore-lease': false },
  del: { prefix: false, 'prev-kv': false, 'from-key': false },
  watch: { prefix: false, rev: true, 'prev-kv': false, interactive: false, 'progress-notify': false },
  compaction: { physical: false },
  defrag: { cluster: false },
  'endpoint status': { cluster: false },
  'endpoint health': { cluster: false },
  'member list': {},
  'snapshot save': {},
  'snapshot status': {},
  'snapshot restore': SNAPSHOT_RESTORE_FLAGS,
  version: {},
};
const TWO_WORD = new Set(['endpoint', 'member', 'snapshot']);

function parseDuration(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v);
  if (!m) throw new UsageError(`invalid argument "${v}" for "--${flag}" flag: time: invalid duration "${v}"`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}

export function parseEtcdctlArgs(argv: string[], env: Record<string, string | undefined>): EtcdctlArgs {
  const global = new Map<string, string | true>();
  const own = new Map<string, string | true>();
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    const short = a === '-w' ? 'write-out' : undefined;
    const [rawName, inline] = a.startsWith('--') ? [a.slice(2).split('=')[0], a.includes('=') ? a.slice(a.indexOf('=') + 1) : undefined] : [short, undefined];
    if (!rawName) throw new UsageError(`unknown shorthand flag: '${a.slice(1, 2)}' in ${a}`);
    const commandKey = commandName(words);
    const ownFlags = (commandKey && COMMAND_FLAGS[commandKey]) || {};
    const valued = GLOBAL_VALUED.has(rawName) || ownFlags[rawName] === true;
    const known = valued || GLOBAL_BOOL.has(rawName) || rawName in ownFlags;
    if (!known) throw new UsageError(`unknown flag: --${rawName}`);
    let value: string | true = true;
    if (valued) {
      value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`flag needs an argument: --${rawName}`);
    } else if (inline !== undefined) value = inline === 'false' ? 'false' : true;
    (GLOBAL_VALUED.has(rawName) || GLOBAL_BOOL.has(rawName) ? global : own).set(rawName, value);
  }
  const fromEnv = (flag: string) => {
    const v = global.get(flag);
    return typeof v === 'string' ? v : env[`ETCDCTL_${flag.toUpperCase().replace(/-/g, '_')}`];
  };
  const commandKey = commandName(words);
  const nWords = commandKey ? commandKey.split(' ').length : words.length > 0 ? 1 : 0;
  const writeOut = fromEnv('write-out') ?? 'simple';
  if (!['simple', 'json', 'fields', 'table', 'protobuf'].includes(writeOut)) throw new UsageError(`unknown output format "${writeOut}"`);
  return {
    command: words.slice(0, nWords),
    args: words.slice(nWords),
    endpoints: (fromEnv('endpoints') ?? '127.0.0.1:2379').split(',').filter(Boolean),
    cacert: fromEnv('cacert'),
    cert: fromEnv('cert'),
    key: fromEnv('key'),
    insecureSkipVerify: global.get('insecure-skip-tls-verify') === true,
    writeOut: writeOut as EtcdctlArgs['writeOut'],
    hex: global.get('hex') === true,
    commandTimeoutMs: parseDuration(fromEnv('command-timeout') ?? '5s', 'command-timeout'),
    flags: own,
  };
}

/** "get", "endpoint status", … — the command the words name so far, if any */
function commandName(words: string[]): string | undefined {
  if (words.length === 0) return undefined;
  const first = words[0];
  if (TWO_WORD.has(first)) return words.length > 1 ? `${first} ${words[1]}` : undefined;
  return first;
}
