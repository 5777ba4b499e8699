import type { CatalogueImage } from './catalogue';
import { profileFor } from '../shell/profiles';

/** The read-only lower layer of an image: path → content. Computed once per image and shared by its containers. */
export type ImageFiles = ReadonlyMap<string, string>;

const OS_RELEASE: Record<CatalogueImage['base'], string> = {
  busybox: '',
  alpine: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\n',
  debian:
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n',
  ubuntu:
    'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n',
  distroless: 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\n',
  scratch: '',
};

const BUSYBOX_PASSWD =
  'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const BUSYBOX_GROUP = groupFile(
  'root:0: daemon:1: bin:2: sys:3: adm:4: tty:5: disk:6: lp:7: mail:8: kmem:9: wheel:10:root cdrom:11: dialout:18: floppy:19: video:28: audio:29: tape:32: www-data:33: operator:37: utmp:43: plugdev:46: staff:50: lock:54: netdev:82: users:100: nogroup:65534:',
);
const ALPINE_PASSWD =
  'root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n';
const ALPINE_GROUP = 'root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nwheel:x:10:root\nnobody:x:65534:\n';
// debian:12's system users and groups (base-passwd), as `getent passwd` lists them in the image
const DEBIAN_PASSWD =
  [
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
    'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
    'sync:x:4:65534:sync:/bin:/bin/sync',
    'games:x:5:60:games:/usr/games:/usr/sbin/nologin',
    'man:x:6:12:man:/var/cache/man:/usr/sbin/nologin',
    'lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin',
    'mail:x:8:8:mail:/var/mail:/usr/sbin/nologin',
    'news:x:9:9:news:/var/spool/news:/usr/sbin/nologin',
    'uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin',
    'proxy:x:13:13:proxy:/bin:/usr/sbin/nologin',
    'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
    'backup:x:34:34:backup:/var/backups:/usr/sbin/nologin',
    'list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin',
    'irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin',
    '_apt:x:42:65534::/nonexistent:/usr/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  ].join('\n') + '\n';
const DEBIAN_GROUP = groupFile(
  'root:0: daemon:1: bin:2: sys:3: adm:4: tty:5: disk:6: lp:7: mail:8: news:9: uucp:10: man:12: proxy:13: kmem:15: dialout:20: fax:21: voice:22: cdrom:24: floppy:25: tape:26: sudo:27: audio:29: dip:30: www-data:33: backup:34: operator:37: list:38: irc:39: src:40: shadow:42: utmp:43: video:44: sasl:45: plugdev:46: staff:50: games:60: users:100: nogroup:65534:',
);
const DEBIAN_SHELLS =
  '# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/rbash\n/usr/bin/rbash\n/bin/dash\n/usr/bin/dash\n';
// root's shell startup files from the image's /etc/skel (bash reads .bashrc, a login shell .profile)
const DEBIAN_ROOT_DOTFILES: Record<string, string> = {
  '/root/.profile':
    '# ~/.profile: executed by Bourne-compatible login shells.\n\nif [ "$BASH" ]; then\n  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\n\nmesg n 2> /dev/null || true\n',
  '/root/.bashrc': "# ~/.bashrc: executed by bash(1) for non-login shells.\n\n# export LS_OPTIONS='--color=auto'\n# alias ls='ls $LS_OPTIONS'\n",
};
const DEBIAN_EXTRA: Record<string, string> = {
  ...DEBIAN_ROOT_DOTFILES,
  '/etc/debian_version': '12.8\n',
  '/etc/issue': 'Debian GNU/Linux 12 \\n \\l\n\n',
  '/etc/issue.net': 'Debian GNU/Linux 12\n',
};
const UBUNTU_EXTRA: Record<string, string> = {
  '/etc/debian_version': 'trixie/sid\n',
  '/etc/issue': 'Ubuntu 24.04.1 LTS \\n \\l\n\n',
  '/etc/issue.net': 'Ubuntu 24.04.1 LTS\n',
};
/** the top-level directories of each family's root (debian's /bin, /lib, /sbin are links into /usr) */
const DIRS: Record<'busybox' | 'debian', string[]> = {
  busybox: ['/bin', '/dev', '/etc', '/home', '/proc', '/root', '/sys', '/tmp', '/usr/bin', '/usr/sbin', '/sbin', '/var/spool/mail', '/var/www'],
  debian: [
    '/boot',
    '/home',
    '/media',
    '/mnt',
    '/opt',
    '/root',
    '/run',
    '/srv',
    '/tmp',
    '/usr/bin',
    '/usr/sbin',
    '/usr/lib',
    '/usr/local/bin',
    '/var/tmp',
    '/var/log',
    '/var/cache',
    '/var/lib',
    '/var/mail',
    '/bin',
    '/sbin',
    '/lib',
    '/lib64',
  ],
};

/** "name:gid:members" words → /etc/group lines */
function groupFile(spec: string): string {
  return (
    spec
      .split(' ')
      .map((w) => {
        const [n, g, m] = w.split(':');
        return `${n}:x:${g}:${m ?? ''}`;
      })
      .join('\n') + '\n'
  );
}

const cache = new Map<CatalogueImage, ImageFiles>();

export function imageFiles(image: CatalogueImage): ImageFiles {
  const hit = cache.get(image);
  if (hit) return hit;
  const files = new Map<string, string>();
  if (image.base !== 'scratch') {
    const busy = image.base === 'busybox';
    const alpine = image.base === 'alpine';
    const profile = profileFor(image);
    let passwd = busy ? BUSYBOX_PASSWD : alpine ? ALPINE_PASSWD : DEBIAN_PASSWD;
    let group = busy ? BUSYBOX_GROUP : alpine ? ALPINE_GROUP : DEBIAN_GROUP;
    for (const u of image.users ?? []) passwd += u + '\n';
    for (const g of image.groups ?? []) group += g + '\n';
    files.set('/etc/passwd', passwd);
    files.set('/etc/group', group);
    // Debian's base-passwd leaves the files as they were before shadow passwords as passwd- and group-
    if (profile.family === 'debian') {
      files.set('/etc/passwd-', passwd.replace(/^([^:\n]*):x:/gm, '$1:*:'));
      files.set('/etc/group-', group.replace(/^([^:\n]*):x:/gm, '$1:*:'));
    }
    if (OS_RELEASE[image.base]) files.set('/etc/os-release', OS_RELEASE[image.base]);
    // the busybox image has no /etc/shells; alpine's lists its shells
    if (profile.family === 'debian') files.set('/etc/shells', DEBIAN_SHELLS);
    else if (!busy) files.set('/etc/shells', '# valid login shells\n/bin/sh\n/bin/ash\n');
    if (image.base === 'debian') for (const [p, c] of Object.entries(DEBIAN_EXTRA)) files.set(p, c);
    if (image.base === 'ubuntu') for (const [p, c] of Object.entries(UBUNTU_EXTRA)) files.set(p, c);
    for (const dir of DIRS[profile.family]) files.set(dir + '/', '');
    const absent = new Set(profile.absent);
    for (const applet of [
      'sh',
      'ash',
      'dash',
      'cat',
      'ls',
      'echo',
      'sleep',
      'ps',
      'env',
      'hostname',
      'mkdir',
      'rm',
      'cp',
      'mv',
      'grep',
      'sed',
      'awk',
      'wget',
      'nslookup',
      'ping',
      'tar',
      'id',
      'uname',
      'date',
      'touch',
      'head',
      'tail',
      'wc',
      'kill',
      'top',
      'df',
      'free',
      'mount',
      'dmesg',
      'nc',
      'vi',
      'httpd',
      'bash',
    ]) {
      if (absent.has(applet) || ((applet === 'ash') !== (profile.family === 'busybox') && (applet === 'ash' || applet === 'dash'))) continue;
      if (applet === 'bash' && !profile.bash) continue;
      if (applet === 'httpd' && !busy) continue;
      files.set('/bin/' + applet, '');
    }
  }
  files.set('/dev/', '');
  files.set('/proc/', '');
  files.set('/sys/', '');
  files.set('/etc/', '');
  for (const [p, c] of Object.entries(image.files ?? {})) files.set(p, c);
  cache.set(image, files);
  return files;
}
