import type { CatalogueImage } from './catalogue';

/** The read-only lower layer of an image: path → content. Computed once per image and shared by its containers. */
export type ImageFiles = ReadonlyMap<string, string>;

const OS_RELEASE: Record<CatalogueImage['base'], string> = {
  busybox: '',
  alpine: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\n',
  debian: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n',
  ubuntu: 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n',
  distroless: 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\n',
  scratch: '',
};

const BUSYBOX_PASSWD = 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const BUSYBOX_GROUP = 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:12:\nwww-data:x:33:\nusers:x:100:\nnogroup:x:65534:\n';
const ALPINE_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n';
const ALPINE_GROUP = 'root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nwheel:x:10:root\nnobody:x:65534:\n';
const DEBIAN_PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const DEBIAN_GROUP = 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\nwww-data:x:33:\nstaff:x:50:\nusers:x:100:\nnogroup:x:65534:\n';

const cache = new Map<CatalogueImage, ImageFiles>();

export function imageFiles(image: CatalogueImage): ImageFiles {
  const hit = cache.get(image);
  if (hit) return hit;
  const files = new Map<string, string>();
  if (image.base !== 'scratch') {
    const busy = image.base === 'busybox';
    const alpine = image.base === 'alpine';
    let passwd = busy ? BUSYBOX_PASSWD : alpine ? ALPINE_PASSWD : DEBIAN_PASSWD;
    let group = busy ? BUSYBOX_GROUP : alpine ? ALPINE_GROUP : DEBIAN_GROUP;
    for (const u of image.users ?? []) passwd += u + '\n';
    for (const g of image.groups ?? []) group += g + '\n';
    files.set('/etc/passwd', passwd);
    files.set('/etc/group', group);
    if (OS_RELEASE[image.base]) files.set('/etc/os-release', OS_RELEASE[image.base]);
    files.set('/etc/shells', '/bin/sh\n');
    for (const dir of ['/root', '/tmp', '/var/tmp', '/home', '/usr/bin', '/usr/sbin', '/sbin', '/var/log', '/var/run', '/mnt', '/opt', '/srv']) files.set(dir + '/', '');
    for (const applet of ['sh', 'ash', 'cat', 'ls', 'echo', 'sleep', 'ps', 'env', 'hostname', 'mkdir', 'rm', 'cp', 'mv', 'grep', 'sed', 'awk', 'wget', 'nslookup', 'ping', 'tar', 'id', 'uname', 'date', 'touch', 'head', 'tail', 'wc', 'kill', 'top', 'df', 'free', 'mount', 'dmesg', 'nc', 'vi', 'httpd']) {
      if (applet === 'httpd' && !busy) continue;
      files.set('/bin/' + applet, '');
    }
    if (image.base === 'debian' || image.base === 'ubuntu') files.set('/bin/bash', '');
  }
  files.set('/dev/', '');
  files.set('/proc/', '');
  files.set('/sys/', '');
  files.set('/etc/', '');
  for (const [p, c] of Object.entries(image.files ?? {})) files.set(p, c);
  cache.set(image, files);
  return files;
}
