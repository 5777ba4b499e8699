import type { SimContainer } from '../container';
import { pause, perl, sleep, stress } from './basic';
import { redisCli } from './redis-cli';
import { agnhost, httpd, httpEcho, nginx, phpApache, redisServer } from './servers';
import type { Program, ProgramTable } from './types';
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

/** programs a node adds for images it knows (name → the program and the image repositories that ship it) */
export type NodePrograms = Record<string, { program: Program; repositories: string[] }>;

/**
 * Every program an image has on its PATH: the built-in programs it ships, and those its node supplies for it
 * (etcdctl in the etcd image on a control-plane node, kubectl in the kubectl images). The one table a
 * container's /bin listing, its shells and its launcher all read.
 */
export function programsOf(image: { repository: string; base: string }, nodePrograms: NodePrograms = {}): ProgramTable {
  const table: ProgramTable = {};
  // a program is the image's when its catalogue entry lists it or its base userland has it
  const listed = CATALOGUE.find((i) => i.repository === image.repository)?.programs ?? [];
  for (const [name, program] of Object.entries(PROGRAMS)) if (listed.includes(name) || BASE_OWNER[name]?.(image.base)) table[name] = program;
  for (const [name, own] of Object.entries(nodePrograms)) if (own.repositories.includes(image.repository)) table[name] ??= own.program;
  return table;
}

/** the program `name` as this container's image provides it: built in, or supplied by its node */
export function programFor(c: SimContainer, name: string): Program | undefined {
  return Object.hasOwn(c.programs, name) ? c.programs[name] : undefined;
}
