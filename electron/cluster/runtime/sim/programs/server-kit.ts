import type { ProgramContext } from './types';

/** Pieces the simulated database and broker images share: their log clocks, data-dir markers and port checks. */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `date --rfc-3339=seconds`, the clock of the official images' entrypoint scripts */
export const rfc3339Seconds = (d = new Date()) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+00:00`;

/** an environment variable as the entrypoints read it: set and non-empty, or its *_FILE twin naming a file */
export async function envOrFile(ctx: ProgramContext, name: string): Promise<string> {
  if (ctx.env[name]) return ctx.env[name];
  const file = ctx.env[`${name}_FILE`];
  if (!file) return '';
  try {
    return (await ctx.fs.readFile(file)).trim();
  } catch {
    return '';
  }
}

/** the first data-dir file an entrypoint checks to decide the database is already initialised (a kept volume) */
export async function initialised(ctx: ProgramContext, marker: string): Promise<boolean> {
  return ctx.fs.exists(marker);
}

export async function markInitialised(ctx: ProgramContext, marker: string, content = ''): Promise<void> {
  try {
    await ctx.fs.mkdir(marker.slice(0, marker.lastIndexOf('/')) || '/', { recursive: true });
    await ctx.fs.writeFile(marker, content);
  } catch (e) {
    // a read-only root or volume: the real initdb would fail too, but the simulator keeps serving and says why
    ctx.err(`kubelab: could not write ${marker}: ${(e as Error).message}\n`);
  }
}

/** whether something in this pod listens on the port (a client in the same pod reaching localhost) */
export function listeningLocally(ctx: ProgramContext, port: number): boolean {
  return ctx.container.sandbox.listeningPorts().includes(port);
}

/** whether host:port accepts a connection from this container */
export async function reachable(ctx: ProgramContext, host: string, port: number): Promise<boolean> {
  try {
    const s = await ctx.container.sandbox.connect(host, port);
    s.destroy();
    return true;
  } catch {
    return false;
  }
}

/** a flag's value in `-h host`, `-hhost`, `--host=host` or `--host host` form */
export function optionValue(argv: string[], short: string | undefined, long: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${long}` || (short && a === `-${short}`)) return argv[i + 1];
    if (a.startsWith(`--${long}=`)) return a.slice(long.length + 3);
    if (short && a.startsWith(`-${short}`) && !a.startsWith('--') && a.length > 2) return a.slice(2);
  }
  return undefined;
}

/** Go's flag package: `--name=v`, `--name v`, `-name v` */
export function goFlag(argv: string[], name: string, def: string): string {
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (m?.[1] !== name) continue;
    if (m[2] !== undefined) return m[2];
    if (i + 1 < argv.length) return argv[i + 1];
  }
  return def;
}
