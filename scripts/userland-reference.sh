#!/usr/bin/env bash
# Builds the reference root filesystems the userland differential harness compares the simulator with:
#   busybox  — Debian's busybox-static, every applet linked with `busybox --install -s`
#   debian   — `debootstrap --variant=minbase bookworm` from the mirror apt is configured with
# Usage: scripts/userland-reference.sh CACHE_DIR [busybox|debian]...   (Linux, root; prints nothing on success)
# Each rootfs is built once under CACHE_DIR and reused while its marker file exists.
set -euo pipefail
cache=${1:?cache dir}; shift
want=("${@:-busybox debian}")
[ "$(id -u)" = 0 ] || { echo "userland-reference: needs root (chroot)" >&2; exit 3; }
mkdir -p "$cache"

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# the first deb URI of the system's apt sources (deb822 or one-line format)
mirror() {
  local m
  m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1)
  [ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep -v security | head -1)
  echo "${m:-http://deb.debian.org/debian}"
}

# the files a container runtime writes into every container (hostname, hosts, resolv.conf) and its /dev
finish() {
  local root=$1 host=$2
  mkdir -p "$root/dev" "$root/proc" "$root/tmp" "$root/etc" "$root/root"
  chmod 1777 "$root/tmp"
  echo "$host" > "$root/etc/hostname"
  # the kubelet writes both files 0644 whatever the umask of whoever builds this
  chmod 644 "$root/etc/hostname"
  printf '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.1.5\t%s\n' "$host" > "$root/etc/hosts"
  chmod 644 "$root/etc/hosts"
}

for img in ${want[*]}; do
  root="$cache/$img"
  [ -f "$root.ready" ] && continue
  rm -rf "$root"
  case $img in
    busybox)
      apt_install busybox-static
      mkdir -p "$root/bin" "$root/etc"
      cp /bin/busybox "$root/bin/busybox"
      chroot "$root" /bin/busybox --install -s /bin
      # the busybox image's own /etc (docker-library's busybox builds ship these)
      printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
      printf 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\nmail:x:8:\nkmem:x:9:\nwheel:x:10:root\ncdrom:x:11:\ndialout:x:18:\nfloppy:x:19:\nvideo:x:28:\naudio:x:29:\ntape:x:32:\nwww-data:x:33:\noperator:x:37:\nutmp:x:43:\nplugdev:x:46:\nstaff:x:50:\nlock:x:54:\nnetdev:x:82:\nusers:x:100:\nnogroup:x:65534:\n' > "$root/etc/group"
      mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/sbin" "$root/var" "$root/home" "$root/sys"
      finish "$root" pod-busybox
      ;;
    debian)
      apt_install debootstrap
      debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$cache/debootstrap.log" 2>&1
      # what the debian:12 image removes from a minbase tree
      rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
      finish "$root" pod-debian
      ;;
    *) echo "userland-reference: unknown image $img" >&2; exit 2 ;;
  esac
  touch "$root.ready"
done
