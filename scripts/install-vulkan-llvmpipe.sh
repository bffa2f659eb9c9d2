#!/usr/bin/env bash
# A software Vulkan driver for WebGPU (Dawn, in the `webgpu` package) on Debian 12: Mesa's llvmpipe.
# Debian 12's own Mesa (22.3) gives Dawn no adapter; bookworm-backports' (25.x) does. Adds that suite
# to apt's sources (from the mirror apt already uses) and installs mesa-vulkan-drivers and libvulkan1
# from it. Does nothing where they are already there; says so and exits 0 on another system.
set -euo pipefail
have=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || echo 0)
if dpkg --compare-versions "$have" ge 25 && dpkg-query -W libvulkan1 >/dev/null 2>&1; then
  exit 0
fi
if ! grep -qs '^VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "[vulkan] not Debian 12: install a Vulkan driver (Mesa ≥ 24: mesa-vulkan-drivers, and libvulkan1) for the WebGPU smoke tests; without one they are skipped"
  exit 0
fi
t0=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
list=/etc/apt/sources.list.d/bookworm-backports.sources
if [ ! -e "$list" ]; then
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 ~ /^bookworm/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  if [ -z "$uri" ]; then
    echo "[vulkan] cannot tell which Debian mirror apt uses (no URIs in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list)" >&2
    exit 1
  fi
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" >"$list"
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
echo "[vulkan] mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) and libvulkan1 installed from bookworm-backports in $(($(date +%s) - t0)) s"
