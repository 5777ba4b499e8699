// crictl's command-line conventions shared by its subcommands: urfave/cli flags, unique ID prefixes, filters,
// and how it reports a failed command (logrus's fatal line on a non-terminal stderr).
import type { PodState } from '../pod-state';
import { fail, type NodeHost, type NodeProgramResult } from './table';

export const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 13);

export function podOf(node: NodeHost, sandboxId: string): PodState | undefined {
  for (const st of node.kubelet.states.values()) if (st.sandboxId === sandboxId || st.pastSandboxes?.includes(sandboxId)) return st;
  return undefined;
}

/** an ID given on the command line: a unique prefix of a full one, as crictl resolves it */
export function resolveId<T extends { id: string }>(items: T[], given: string, what: string): T | string {
  const m = items.filter((i) => i.id.startsWith(given));
  if (m.length === 1) return m[0];
  return m.length ? `${what} ID "${given}" is ambiguous` : `${what} "${given}" not found`;
}

export const STATE: Record<string, string> = { created: 'Created', running: 'Running', exited: 'Exited', unknown: 'Unknown' };

/** crictl's flags as urfave/cli reads them: `--name x`, `--name=x`, `-p x`; booleans stand alone */
export interface Parsed {
  values: Map<string, string[]>;
  bools: Set<string>;
  args: string[];
}
export function parseFlags(argv: string[], valueFlags: Record<string, string>, boolFlags: Record<string, string>): Parsed | string {
  const out: Parsed = { values: new Map(), bools: new Set(), args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.args.push(...argv.slice(i + 1));
      break;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(a);
    if (!m || a === '-') {
      out.args.push(a);
      continue;
    }
    const vName = valueFlags[m[1]];
    const bName = boolFlags[m[1]];
    if (vName) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) return `flag needs an argument: ${a}`;
      out.values.set(vName, [...(out.values.get(vName) ?? []), v]);
    } else if (bName) out.bools.add(bName);
    else if (!a.startsWith('--') && a.length > 2 && [...a.slice(1)].every((ch) => boolFlags[ch])) for (const ch of a.slice(1)) out.bools.add(boolFlags[ch]);
    else return `flag provided but not defined: -${m[1]}`;
  }
  return out;
}
export const one = (p: Parsed, name: string) => p.values.get(name)?.at(-1);
/** key=value label selectors, all of which must match */
export function labelsMatch(labels: Record<string, string>, selectors: string[] | undefined): boolean {
  return (selectors ?? []).every((sel) => {
    const [k, v] = sel.split('=');
    return labels[k] === v;
  });
}

/** crictl matches --name and --namespace as regular expressions */
export function matches(pattern: string | undefined, value: string): boolean {
  if (!pattern) return true;
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

/** a logrus line as crictl writes it to a stderr that is not a terminal */
export const logrusLine = (level: 'fatal' | 'info', msg: string) =>
  `time="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" level=${level} msg=${JSON.stringify(msg)}\n`;

/** logrus.Fatal as crictl's main ends a failed command */
export function fatal(msg: string): NodeProgramResult {
  return fail(logrusLine('fatal', msg));
}
