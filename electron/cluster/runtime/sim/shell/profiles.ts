import type { CatalogueImage } from '../images/catalogue';

/**
 * An image's userland described as data: which shell /bin/sh is, which utilities exist and where, and how they
 * word their diagnostics. One engine (just-bash plus our commands) runs every image; the profile makes a busybox
 * pod answer like busybox and a debian pod like dash + GNU coreutils. Adding an image family is adding a profile.
 */
export interface UserlandProfile {
  family: 'busybox' | 'debian';
  /** /bin/sh: busybox ash or dash */
  dialect: 'ash' | 'dash';
  /** /bin/bash exists */
  bash: boolean;
  /** the directory `which` and `command -v` name for a utility (merged /usr on Debian) */
  binDir: string;
  /** `command -v sleep`: busybox ash runs applets as builtins and names them bare */
  commandVBare: boolean;
  /** utilities of the engine that this image does not ship */
  absent: string[];
  /** how each utility words its errors and which exit status it uses, where that differs from the engine's */
  utilities: Record<string, UtilityRule>;
}

export interface UtilityRule {
  /** [pattern, replacement] applied to each stderr line */
  stderr?: [RegExp, string][];
  /** [pattern, replacement] applied to stdout (whole text) */
  stdout?: [RegExp, string][];
  /** exit status mapping (engine status → image status) */
  exit?: Record<number, number>;
}

/** utilities of the engine that no container image ships (they exist for just-bash's own sandboxes) */
const NEVER = ['rg', 'jq', 'yq', 'xan', 'sqlite3', 'html-to-markdown', 'help', 'history', 'tree', 'file'];

// --- shared by both families -------------------------------------------------------------------------------
const UNIQ_C: [RegExp, string] = [/^ *(\d+) /gm, (_m: string, n: string) => `${n.padStart(7)} `] as any;

const BUSYBOX: UserlandProfile = {
  family: 'busybox',
  dialect: 'ash',
  bash: false,
  binDir: '/bin',
  commandVBare: true,
  absent: [...NEVER, 'bash', 'curl', 'column', 'join', 'dig', 'host', 'getent'],
  utilities: {
    cat: {
      stderr: [
        [/^cat: (.+): No such file or directory$/, "cat: can't open '$1': No such file or directory"],
        [/^cat: (.+): Is a directory$/, 'cat: read error: Is a directory'],
      ],
    },
    ls: { exit: { 2: 1 }, stderr: [[/^ls: cannot access '(.+)': (.+)$/, 'ls: $1: $2']] },
    mkdir: { stderr: [[/^mkdir: cannot create directory/, "mkdir: can't create directory"]] },
    rmdir: { stderr: [[/^rmdir: failed to remove '(.+)': (.+)$/, "rmdir: '$1': $2"]] },
    rm: {
      stderr: [
        [/^rm: cannot remove '(.+)': Is a directory$/, "rm: '$1' is a directory"],
        [/^rm: cannot remove /, "rm: can't remove "],
      ],
    },
    cp: {
      stderr: [
        [/^cp: cannot stat /, "cp: can't stat "],
        [/^cp: -r not specified; omitting directory/, 'cp: omitting directory'],
      ],
    },
    mv: { stderr: [[/^mv: cannot stat '(.+)': (.+)$/, "mv: can't rename '$1': $2"]] },
    du: { stderr: [[/^du: cannot access '(.+)': (.+)$/, 'du: $1: $2']] },
    chmod: { stderr: [[/^chmod: cannot access '(.+)': (.+)$/, 'chmod: $1: $2']] },
    grep: { stderr: [[/^grep: invalid regular expression: (.*)$/, "grep: bad regex '$1'"]] },
    diff: { stderr: [[/^diff: (.+): No such file or directory$/, "diff: can't stat '$1': No such file or directory"]] },
    uniq: { stdout: [UNIQ_C] },
    // busybox's applets live in /bin
    which: { stdout: [[/^\/usr\/bin\//gm, '/bin/']] },
    sed: { stderr: [[/^sed: invalid command: unterminated substitution pattern$/, "sed: unmatched '/'"]] },
  },
};

const DEBIAN: UserlandProfile = {
  family: 'debian',
  dialect: 'dash',
  bash: true,
  binDir: '/usr/bin',
  commandVBare: false,
  absent: [
    ...NEVER,
    'ps',
    'free',
    'top',
    'wget',
    'curl',
    'nc',
    'nslookup',
    'dig',
    'host',
    'ping',
    'ip',
    'xxd',
    'hexdump',
    'column',
    'strings',
    'uptime',
    'cal',
    'vi',
    'less',
    'busybox',
    'dmesg',
    'httpd',
    // dash has no `time` keyword and the image no /usr/bin/time
    'time',
  ],
  utilities: {
    cat: { stderr: [[/^cat: (.+): Is a directory$/, 'cat: $1: Is a directory']] },
    ls: { stderr: [[/^ls: (?!cannot access)(.+): No such file or directory$/, "ls: cannot access '$1': No such file or directory"]] },
    uniq: { stdout: [UNIQ_C] },
    find: { stderr: [[/^find: ([^'].*): No such file or directory$/, "find: '$1': No such file or directory"]] },
    grep: { stderr: [[/^grep: invalid regular expression: .*$/, 'grep: Invalid regular expression']] },
  },
};

const ALPINE: UserlandProfile = { ...BUSYBOX, absent: BUSYBOX.absent };
const UBUNTU: UserlandProfile = DEBIAN;

const BY_BASE: Record<CatalogueImage['base'], UserlandProfile> = {
  busybox: BUSYBOX,
  alpine: ALPINE,
  debian: DEBIAN,
  ubuntu: UBUNTU,
  distroless: DEBIAN,
  scratch: BUSYBOX,
};

/** utilities an image adds to its family's base (nginx's Dockerfile installs curl; perl builds on buildpack-deps) */
const IMAGE_ADDS: Record<string, string[]> = {
  nginx: ['curl'],
  perl: ['curl', 'wget', 'ps'],
  curl: ['curl'],
  agnhost: ['curl'],
  'jessie-dnsutils': ['nslookup', 'dig', 'host', 'ping'],
};
const derived = new Map<string, UserlandProfile>();

export function profileFor(image: Pick<CatalogueImage, 'base'> & { repository?: string }): UserlandProfile {
  const base = BY_BASE[image.base];
  const adds = IMAGE_ADDS[image.repository?.split('/').pop() ?? ''];
  if (!adds) return base;
  const key = `${image.base}/${image.repository}`;
  let p = derived.get(key);
  if (!p) {
    p = { ...base, absent: base.absent.filter((n) => !adds.includes(n)) };
    derived.set(key, p);
  }
  return p;
}

/** a replacement that deletes the whole line */
export const DROP_LINE = '\u0000';

/** applies a utility's rewrite rules to one stream */
export function rewrite(text: string, rules: [RegExp, string][] | undefined, perLine: boolean): string {
  if (!rules?.length || !text) return text;
  if (!perLine) return rules.reduce((t, [re, to]) => t.replace(re, to as any), text);
  return text
    .split('\n')
    .map((l) => rules.reduce((t, [re, to]) => t.replace(re, to as any), l))
    .filter((l) => l !== DROP_LINE)
    .join('\n');
}
