#!/usr/bin/env bash
# frs against the Python peers on the same photos, interleaved, ROUNDS times (benchmarks, not tests).
# Usage: side-by-side.sh DIR [ROUNDS]. Needs a release build (swift build -c release), FRS_MODELS with
# the models and OpenVINO installed, /tmp/peer-venv (numpy, opencv-python-headless, openvino,
# onnxruntime; nncf for the int8 row) and the ONNX files from make_onnx.sh in /tmp/frs-onnx.
set -euo pipefail
dir=${1:?photo folder}; rounds=${2:-3}
here=$(cd "$(dirname "$0")" && pwd); frs=${FRS_BIN:-$here/../../.build/release/frs}
py=${PEER_PYTHON:-/tmp/peer-venv/bin/python}; models=${FRS_MODELS:?set FRS_MODELS}
n=$(find -L "$dir" -maxdepth 1 -type f | grep -ciE '\.(jpe?g|png)$')
# `frs add DIR && frs run ARGS` on a throw-away library; prints LABEL, the time and the images/s.
frs_round() {
  local label=$1; shift
  local lib start end
  lib=$(mktemp -d)
  start=$(date +%s.%N)
  HOME=$lib FRS_DATA=$lib/data "$frs" add "$dir" > /dev/null 2>&1
  HOME=$lib FRS_DATA=$lib/data "$frs" run "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  rm -rf "$lib"
  echo "$label: $n images, $(echo "$end - $start" | bc) s, $(echo "scale=2; $n / ($end - $start)" | bc) images/s"
}
for round in $(seq "$rounds"); do
  frs_round "round $round frs"
  # f32: what int8 (the default on CPUs without AMX) brings.
  FRS_PRECISION=f32 frs_round "round $round frs f32"
  echo "round $round $("$py" "$here/peer.py" --engine ort "$dir")"
  echo "round $round $("$py" "$here/peer.py" --engine openvino --models "$models" "$dir")"
  # OpenVINO's default precision is bf16 wherever the CPU has avx512_bf16, even without AMX, where
  # f32 is faster: the faster of the two is the peer to beat.
  echo "round $round $("$py" "$here/peer.py" --engine openvino --precision f32 --models "$models" "$dir")"
  # Both networks quantized with NNCF first (not timed), as a Python user could; needs nncf in the venv.
  if "$py" -c "import nncf" 2> /dev/null; then
    echo "round $round $("$py" "$here/peer.py" --engine openvino --int8 --models "$models" "$dir" 2> /dev/null | tail -1)"
  fi
done
