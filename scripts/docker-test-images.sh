#!/usr/bin/env bash
# Builds, without any registry, the images the Docker-runtime tests and scenarios use, from Debian's
# busybox-static: a busybox root filesystem with its applet links, `docker import`ed and tagged as
#   busybox:latest        the busybox image the scenarios name (a real busybox, just not Docker Hub's build)
#   nginx:latest          a STAND-IN: busybox httpd serving /usr/share/nginx/html on port 80 (404 for other paths)
#   polinux/stress:latest a STAND-IN: a `stress` script whose --vm-bytes N fills N bytes of memory with dd
#   kubelab/pause:latest  the sandbox image: sleeps forever
# Only these tags are written, and only those the daemon lacks (a developer's real busybox or nginx stays);
# FORCE=1 rebuilds them all. Nothing else in the daemon is touched.
set -euo pipefail
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || { echo "docker-test-images: $BUSYBOX not found (apt-get install busybox-static)" >&2; exit 1; }
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,etc,tmp,proc,sys,dev,root,var/log,usr/bin,usr/share/nginx/html,home}
chmod 1777 "$ROOT/tmp"
cp "$BUSYBOX" "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$ROOT/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$ROOT/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$ROOT/etc/group"
printf '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n' >"$ROOT/usr/share/nginx/html/index.html"
cat >"$ROOT/usr/bin/stress" <<'SH'
#!/bin/sh
# stand-in for polinux/stress: --vm-bytes SIZE fills SIZE bytes of memory (dd's block buffer) as PID 1, so a
# memory limit below SIZE OOM-kills the container itself (exit 137); within the limit it simply finishes
bytes=256M
while [ $# -gt 0 ]; do case "$1" in --vm-bytes) bytes=$2; shift;; esac; shift; done
echo "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd"
exec dd if=/dev/zero of=/dev/null bs="$bytes" count=1
SH
chmod +x "$ROOT/usr/bin/stress"
# Debian's busybox-static is built without the printenv applet that Docker Hub's busybox has
cat >"$ROOT/usr/bin/printenv" <<'SH'
#!/bin/sh
[ $# -eq 0 ] && exec env
rc=0
for v in "$@"; do if env | grep -q "^$v="; then env | sed -n "s/^$v=//p"; else rc=1; fi; done
exit $rc
SH
chmod +x "$ROOT/usr/bin/printenv"
ENVPATH='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
# image TAG CHANGE...: the root filesystem imported with Dockerfile-like changes
image() {
  local tag=$1; shift
  if [ "${FORCE:-0}" != 1 ] && docker image inspect "$tag" >/dev/null 2>&1; then echo "docker-test-images: $tag present, kept"; return 0; fi
  local args=(); for c in "$@"; do args+=(-c "$c"); done
  tar -C "$ROOT" -c . | docker import "${args[@]}" - "$tag" >/dev/null
}
image busybox:latest "$ENVPATH" 'CMD ["sh"]'
image nginx:latest "$ENVPATH" 'EXPOSE 80' 'CMD ["httpd", "-f", "-v", "-p", "80", "-h", "/usr/share/nginx/html"]'
image polinux/stress:latest "$ENVPATH" 'ENTRYPOINT ["stress"]' 'CMD ["--help"]'
image kubelab/pause:latest "$ENVPATH" 'ENTRYPOINT ["sleep", "2147483647"]'
echo "docker-test-images: busybox:latest, nginx:latest (busybox httpd stand-in), polinux/stress:latest (dd stand-in), kubelab/pause:latest ready"
