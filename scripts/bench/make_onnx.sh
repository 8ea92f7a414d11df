#!/usr/bin/env bash
# ONNX copies of frs's two graphs, for the ONNX Runtime peer only (benchmarks, never frs itself).
# Needs a throw-away venv with TensorFlow and tf2onnx:
#   python3 -m venv /tmp/tf-venv && /tmp/tf-venv/bin/pip install tensorflow-cpu==2.15.1 tf2onnx==1.16.1
# Usage: make_onnx.sh MODELS_DIR OUT_DIR   (MODELS_DIR after `frs models install` and one `frs run`, which
# writes the batch-ready FaceNet graph to MODELS_DIR/graphs/facenet-*.pb)
set -euo pipefail
models=${1:?models directory}; out=${2:?output directory}; py=${PYTHON:-/tmp/tf-venv/bin/python}
mkdir -p "$out"
# frs also writes int8 copies there (fake-quantization nodes named frs_int8/...): take the plain one.
facenet=$(grep -L frs_int8 "$models"/graphs/facenet-*.pb | head -1)
"$py" -m tf2onnx.convert --graphdef "$models/retinaface-frozen_graph.pb" --inputs x:0 --outputs Identity:0 \
  --opset 13 --output "$out/retinaface.onnx"
"$py" -m tf2onnx.convert --graphdef "$facenet" --inputs 'input:0[-1,160,160,3]' \
  --outputs InceptionResnetV1/Bottleneck/BatchNorm/Reshape_1:0 --opset 13 --output "$out/facenet.onnx"
"$py" "$(dirname "$0")/fix_onnx_batch.py" "$out/facenet.onnx"
