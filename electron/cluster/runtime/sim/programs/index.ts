import type { SimContainer } from '../container';
import { pause, perl, sleep, stress } from './basic';
import { redisCli } from './redis-cli';
import { agnhost, httpd, httpEcho, nginx, redisServer } from './servers';
import type { Program } from './types';

export const PROGRAMS: Record<string, Program> = {
  sleep, pause, stress, perl, nginx, httpd, 'httpd-foreground': httpd, 'http-echo': httpEcho, agnhost, 'redis-server': redisServer, 'redis-cli': redisCli,
};

/** which image ships which program (busybox has its own httpd applet) */
const OWNER: Record<string, (repo: string, base: string) => boolean> = {
  nginx: (r) => r.endsWith('/nginx'),
  httpd: (r, b) => r.endsWith('/httpd') || b === 'busybox',
  'httpd-foreground': (r) => r.endsWith('/httpd'),
  'http-echo': (r) => r.endsWith('/http-echo'),
  agnhost: (r) => r.endsWith('/agnhost'),
  'redis-server': (r) => r.endsWith('/redis'),
  'redis-cli': (r) => r.endsWith('/redis'),
  stress: (r) => r.endsWith('/stress'),
  perl: (r, b) => r.endsWith('/perl') || b === 'debian' || b === 'ubuntu',
  pause: (r) => r.endsWith('/pause'),
  sleep: (_r, b) => b !== 'scratch',
};

export function programAvailableIn(repository: string, base: string, name: string): boolean {
  return OWNER[name]?.(repository, base) ?? false;
}

export function programAvailable(c: SimContainer, name: string): boolean {
  return programAvailableIn(c.image.image.repository, c.image.image.base, name);
}

/** programs a node adds for images it knows (name → the program and the image repositories that ship it) */
export type NodePrograms = Record<string, { program: Program; repositories: string[] }>;

/** the program `name` as this container's image provides it: built in, or supplied by its node */
export function programFor(c: SimContainer, name: string): Program | undefined {
  if (PROGRAMS[name] && programAvailable(c, name)) return PROGRAMS[name];
  const own = c.nodePrograms?.[name];
  return own && own.repositories.includes(c.image.image.repository) ? own.program : undefined;
}
