#!/usr/bin/env bash
# On a GPU machine without Node (the device), from the repository root with .gpu-bundle/ beside it
# (scripts/gpu-bundle.sh): the paper InfoGAN trained on WebGPU for a time budget and measured
# (bench/gpu-run.ts), then PyTorch's model of the same size on CUDA for the same time
# (scripts/infogan_generator_torch.py).  Writes gpu-run.json, gpu-run.log, torch.log and gpu.txt to $OUT.
#   bash scripts/gpu-device.sh [seconds of training each, default 200]   (GPU_RUN_ARGS: more flags for bench/gpu-run.ts)
set -uo pipefail
SECS=${1:-200}
OUT=${OUT:-out/gpu-device}
R=/tmp/dlspec-gpu
mkdir -p "$OUT" && rm -rf "$R" && mkdir -p "$R"
[ -f .gpu-bundle/bundle.tar.xz ] || { echo "gpu-device: .gpu-bundle/bundle.tar.xz is missing: make it with scripts/gpu-bundle.sh and carry .gpu-bundle" >&2; exit 2; }
python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' .gpu-bundle/bundle.tar.xz "$R" || exit 2
chmod +x "$R/node"
# Dawn reaches the GPU through the Vulkan loader (the bundle's, where the image has none) and NVIDIA's driver manifest
ldconfig -p | grep -q 'libvulkan.so.1 ' || export LD_LIBRARY_PATH="$R/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$f" ] && { export VK_DRIVER_FILES=$f; break; }
done
{ nvidia-smi --query-gpu=name,driver_version --format=csv,noheader; echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-none}"; "$R/node" --version; } > "$OUT/gpu.txt" 2>&1
MNIST_DIR=$R/mnist DLSPEC_GPU_BACKEND=webgpu DLSPEC_WASM_THREADS=auto timeout $((SECS + 300)) "$R/node" "$R/app/gpu-run.mjs" --seconds "$SECS" --dir "$R/ckpt" --json "$OUT/gpu-run.json" ${GPU_RUN_ARGS:-} > "$OUT/gpu-run.log" 2>&1
echo "gpu-run: exit $?" >> "$OUT/gpu-run.log"
MNIST_DIR=$R/mnist PYTHONUNBUFFERED=1 timeout $((SECS + 120)) python3 scripts/infogan_generator_torch.py --fc 1024 --c1 128 --c2 64 --batch 64 --lr-d 2e-4 --lr-g 1e-3 --no-warp \
  --device cuda --steps 25000 --every 1000000 --seconds "$SECS" --out "$R/torch" > "$OUT/torch.log" 2>&1
echo "torch: exit $?" >> "$OUT/torch.log"
cat "$OUT/gpu.txt"; tail -n 4 "$OUT/gpu-run.log" "$OUT/torch.log"
