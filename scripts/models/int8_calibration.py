#!/usr/bin/env python3
"""Writes Sources/FaceVision/Int8Calibration+Ranges.swift: the activation ranges frs's int8 precision
quantizes RetinaFace's and FaceNet's convolution inputs to (developers only; frs itself never runs Python).

The ranges are properties of the two pinned graphs (models.md), measured once on the original system's
sample photos, which are neither WIDER FACE nor LFW, so that the evaluations stay held out:
- RetinaFace: each sample photo scaled as frs scales it (longer side 640-1024 px) and zero-padded to a
  multiple of 128, as frs feeds OpenVINO;
- FaceNet: the faces of retinaface-reference.json, cropped as frs crops them (box enlarged by 30 %,
  160x160, RGB, (x - 127.5) / 128), in groups of 8 (frs's batch).
A range is the mean over inputs (photos, groups) of each input's minimum and maximum, widened to hold 0.

    python3 -m venv /tmp/tf-venv && /tmp/tf-venv/bin/pip install tensorflow-cpu==2.15.1 opencv-python-headless 'numpy<2'
    /tmp/tf-venv/bin/python scripts/models/int8_calibration.py --models ~/.cache/frs/models --seed ../shared/data/seed
"""
import argparse, glob, json, os

import cv2
import numpy as np
import tensorflow as tf

QUANTIZED = ("Conv2D", "MatMul", "DepthwiseConv2dNative")  # what frs quantizes (GraphDef.quantize)
# Left in f32 (no range, so GraphDef.quantize passes them by): RetinaFace's nine head convolutions, whose
# outputs are the scores and boxes, and its first three depthwise convolutions (strides 2 and 4), the ones
# quantization moved the boxes of mid-sized faces most. WIDER FACE recall of 32-64 px faces (f32: 0.733):
# every depthwise convolution in int8 0.717; blocks 3-5 in f32 instead 0.720; only the first in f32 0.723,
# the first two 0.733; the first three, as here, 0.736 (>= 64 px: 0.925) (docs/benchmarks.md).
KEPT_F32 = ("Head_", "expanded_conv_depthwise", "block_1_depthwise", "block_2_depthwise")


def load(path):
    graph = tf.compat.v1.GraphDef()
    with open(path, "rb") as f:
        graph.ParseFromString(f.read())
    return graph


def ranges(graph, feeds, input_name):
    """Mean of each quantized op's activation input's per-feed min and max."""
    names = sorted({n.input[0] for n in graph.node if n.op in QUANTIZED and not any(k in n.name for k in KEPT_F32)})
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph, name="")
        tensors = [g.get_tensor_by_name(n if ":" in n else n + ":0") for n in names]
        with tf.compat.v1.Session(graph=g) as session:
            lows, highs = [], []
            for group in feeds:
                values = [session.run(tensors, {input_name: x}) for x in group]
                lows.append([min(float(v[i].min()) for v in values) for i in range(len(names))])
                highs.append([max(float(v[i].max()) for v in values) for i in range(len(names))])
    low, high = np.mean(lows, axis=0), np.mean(highs, axis=0)
    return {n: (min(0.0, float(l)), max(0.0, float(h))) for n, l, h in zip(names, low, high)}


def scaled(image):
    h, w = image.shape[:2]
    side = min(max(max(w, h), 640), 1024)
    s = side / max(w, h)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    return image if s == 1 else cv2.resize(image, size, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=os.path.expanduser("~/.cache/frs/models"))
    ap.add_argument("--seed", default="../shared/data/seed")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../Sources/FaceVision/Int8Calibration+Ranges.swift"))
    args = ap.parse_args()
    reference = json.load(open(os.path.join(args.seed, "retinaface-reference.json")))

    photos, crops = [], []
    for name in sorted(reference):
        image = cv2.imread(os.path.join(args.seed, name), cv2.IMREAD_COLOR)
        small = scaled(image)
        h, w = small.shape[:2]
        x = np.zeros((1, (h + 127) // 128 * 128, (w + 127) // 128 * 128, 3), np.float32)
        x[0, :h, :w] = small[:, :, ::-1]
        photos.append([x])
        for face in reference[name]["faces"]:
            x1, y1, x2, y2 = face["box"]
            mx, my = (x2 - x1) * 0.15, (y2 - y1) * 0.15
            x1, y1 = max(0, int(x1 - mx)), max(0, int(y1 - my))
            x2, y2 = min(image.shape[1], int(np.ceil(x2 + mx))), min(image.shape[0], int(np.ceil(y2 + my)))
            crop = cv2.resize(image[y1:y2, x1:x2], (160, 160), interpolation=cv2.INTER_LINEAR)
            crops.append(((crop[:, :, ::-1].astype(np.float32) - 127.5) / 128)[None])
    groups = [crops[i:i + 8] for i in range(0, len(crops), 8)]

    retinaface = ranges(load(os.path.join(args.models, "retinaface-frozen_graph.pb")), photos, "x:0")
    facenet = ranges(load(os.path.join(args.models, "facenet-graph_final.pb")), groups, "input:0")

    def table(values):
        return "\n".join(f'        "{n}": {l:.6g}...{h:.6g},' for n, (l, h) in sorted(values.items()))
    with open(args.out, "w") as f:
        f.write(f"""// Written by scripts/models/int8_calibration.py from the graphs pinned in Models.swift and the
// {len(photos)} sample photos ({len(crops)} faces); do not edit by hand.

extension Int8Calibration {{
    static let retinaFace = Int8Calibration(activations: [
{table(retinaface)}
    ])

    static let faceNet = Int8Calibration(activations: [
{table(facenet)}
    ])
}}
""")
    print(f"wrote {args.out}: RetinaFace {len(retinaface)} ranges, FaceNet {len(facenet)}, from {len(photos)} photos, {len(crops)} faces")


if __name__ == "__main__":
    main()
