import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** Where the reference root filesystems are cached between runs (built by scripts/userland-reference.sh). */
export const REFERENCE_CACHE = process.env.KUBELAB_USERLAND_REF ?? '/tmp/kubelab-userland-ref';
const BUILD_SCRIPT = path.resolve(__dirname, '../../scripts/userland-reference.sh');

export interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Why the reference cannot run here, or undefined when it can (Linux, root, unshare and chroot present). */
export function referenceUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `reference containers need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'reference containers need root (chroot, mount namespaces)';
  try {
    execFileSync('unshare', ['--mount', '--pid', '--fork', 'true'], { stdio: 'ignore' });
  } catch {
    return 'unshare cannot create mount/pid namespaces here';
  }
  return undefined;
}

/** Builds (once) the reference rootfs of each image; returns their directories. */
export function buildReference(images: string[]): Record<string, string> {
  execFileSync('bash', [BUILD_SCRIPT, REFERENCE_CACHE, ...images], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
  return Object.fromEntries(images.map((i) => [i, path.join(REFERENCE_CACHE, i)]));
}

// A container's view: fresh /tmp, a /dev with the device nodes containerd creates, /proc of its own pid
// namespace, the pod's hostname; the command runs as `sh -c LINE` the way `kubectl exec POD -- sh -c LINE` starts
// it (argv[0] "sh", cwd /, no stdin), as a child of the namespace's first process like an exec beside PID 1.
const SETUP = String.raw`
set -e
root=$1; host=$2; groups=$3; cmd=$4
mount --make-rprivate /
# every command starts from the image as built: its writes land in a throwaway overlay layer
w=$(mktemp -d); mount -t tmpfs tmpfs "$w"; mkdir "$w/u" "$w/w" "$w/m"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$w/u,workdir=$w/w" "$w/m"; root=$w/m
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount -t tmpfs -o mode=755 tmpfs "$root/dev"
d=$root/dev
mknod -m 666 $d/null c 1 3; mknod -m 666 $d/zero c 1 5; mknod -m 666 $d/full c 1 7
mknod -m 666 $d/random c 1 8; mknod -m 666 $d/urandom c 1 9; mknod -m 666 $d/tty c 5 0
mkdir -m 755 $d/pts; mkdir -m 1777 $d/shm; mkdir $d/mqueue
ln -s /proc/self/fd $d/fd; ln -s /proc/self/fd/0 $d/stdin; ln -s /proc/self/fd/1 $d/stdout; ln -s /proc/self/fd/2 $d/stderr
ln -s pts/ptmx $d/ptmx; ln -s /proc/kcore $d/core
mount -t proc proc "$root/proc"
hostname "$host"
# stdout and stderr are pipes, as containerd gives an exec (not sockets: /dev/stdout must open)
mkfifo "$w/o" "$w/e"
cat "$w/o" & p1=$!
cat "$w/e" >&2 & p2=$!
set +e
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOSTNAME="$host" HOME=/root chroot --groups="$groups" "$root" sh -c "$cmd" </dev/null >"$w/o" 2>"$w/e"
rc=$?
# what the command left running in the background goes with the exec, as when kubectl exec ends
for p in "$root"/proc/[0-9]*; do q=$(basename "$p"); [ "$q" = 1 ] || [ "$q" = $p1 ] || [ "$q" = $p2 ] || kill -9 "$q" 2>/dev/null; done
wait $p1 $p2
exit $rc
`;

/** supplementary groups containerd gives root from the image's /etc/group */
const ROOT_GROUPS: Record<string, string> = { busybox: '0,10', debian: '0' };

export function runReference(root: string, host: string, cmd: string, timeoutMs = 15_000): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      'unshare',
      ['--mount', '--pid', '--fork', '--uts', '--ipc', '--', '/bin/sh', '-c', SETUP, 'setup', root, host, ROOT_GROUPS[path.basename(root)] ?? '0', cmd],
      { encoding: 'buffer', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 124) : 0;
        resolve({ stdout: stdout.toString('latin1'), stderr: stderr.toString('latin1'), exitCode: code });
      },
    );
  });
}
