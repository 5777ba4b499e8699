import type { SimContainer } from '../container';
import { pause, perl, sleep, stress } from './basic';
import { redisCli } from './redis-cli';
import { agnhost, httpd, httpEcho, nginx, phpApache, redisServer } from './servers';
import type { Program } from './types';
import { CATALOGUE } from '../images/catalogue';
import { IMAGE_PROGRAMS } from './image-programs';

export const PROGRAMS: Record<string, Program> = {
  sleep,
  pause,
  stress,
  perl,
  nginx,
  httpd,
  'httpd-foreground': httpd,
  'http-echo': httpEcho,
  'apache2-foreground': phpApache,
  agnhost,
  'redis-server': redisServer,
  'redis-cli': redisCli,
  ...IMAGE_PROGRAMS,
};

/** programs every image of a base userland has (busybox's httpd applet, Debian's perl, sleep) */
const BASE_OWNER: Record<string, (base: string) => boolean> = {
  httpd: (b) => b === 'busybox',
  perl: (b) => b === 'debian' || b === 'ubuntu',
  sleep: (b) => b !== 'scratch',
};

/** whether the image ships the program: its catalogue entry lists it, or its base userland has it */
export function programAvailableIn(repository: string, base: string, name: string): boolean {
  return !!CATALOGUE.find((i) => i.repository === repository)?.programs?.includes(name) || (BASE_OWNER[name]?.(base) ?? false);
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
