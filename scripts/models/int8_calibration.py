#!/usr/bin/env python3
"""Writes Sources/FaceVision/Int8Calibration+Ranges.swift: the activation ranges frs's int8 precision
quantizes RetinaFace's and FaceNet's convolution inputs to, and the bias corrections of RetinaFace's first
depthwise convolutions (developers only; frs itself never runs Python).

The ranges are properties of the two pinned graphs (models.md), measured once on the original system's
sample photos, which are neither WIDER FACE nor LFW, so that the evaluations stay held out:
- RetinaFace: each sample photo scaled as frs scales it (longer side 640-1024 px) and zero-padded to a
  multiple of 128, as frs feeds OpenVINO;
- FaceNet: the faces of retinaface-reference.json, cropped as frs crops them (box enlarged by 30 %,
  160x160, RGB, (x - 127.5) / 128), in groups of 8 (frs's batch).
A range is the mean over inputs (photos, groups) of each input's minimum and maximum, widened to hold 0.
A bias correction is the mean shift, per output channel, that quantizing a convolution's input and weights
makes in its output (bias_corrections).

    python3 -m venv /tmp/tf-venv && /tmp/tf-venv/bin/pip install tensorflow-cpu==2.15.1 opencv-python-headless 'numpy<2'
    /tmp/tf-venv/bin/python scripts/models/int8_calibration.py --models ~/.cache/frs/models --seed ../shared/data/seed
"""
import argparse, glob, json, os

import cv2
import numpy as np
import tensorflow as tf

QUANTIZED = ("Conv2D", "MatMul", "DepthwiseConv2dNative")  # what frs quantizes (GraphDef.quantize)
# Left in f32 (no range, so GraphDef.quantize passes them by): RetinaFace's nine head convolutions, whose
# outputs are the scores and boxes.
KEPT_F32 = ("Head_",)
# Depthwise convolutions whose output shift from quantization frs takes off (bias_corrections): RetinaFace's
# first three (strides 2 and 4), the ones quantization moved the boxes of mid-sized faces most. WIDER FACE
# recall of 32-64 px faces (f32: 0.733): uncorrected 0.717 with the rest in f32 (AVX2), 0.720 with it in
# bf16 (Zen 4); corrected 0.736 and 0.742, as good as leaving the three in float (0.733-0.736) and 1.3x as
# fast (docs/benchmarks.md, sixth measurement).
CORRECTED = ("expanded_conv_depthwise/", "block_1_depthwise/", "block_2_depthwise/")


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


def bias_corrections(graph, feeds, input_name, activations, ops):
    """For each depthwise convolution named in `ops`: the mean, per output channel, of what quantizing its
    input and weights as frs does (GraphDef.quantize) adds to its output: each photo's mean over positions,
    then the mean over photos. Rounding the weights leaves errors that do not average out over a DC-heavy,
    non-negative input, so the output shifts; frs takes the shift off through the batch norm that follows."""
    by_name = {n.name: n for n in graph.node}
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph, name="")
        shifts = []
        for name in ops:
            node = by_name[name]
            x = g.get_tensor_by_name(node.input[0] + ":0")
            w = g.get_tensor_by_name(node.input[1] + ":0")
            strides, padding = list(node.attr["strides"].list.i), node.attr["padding"].s.decode()
            # The input's range is the one frs quantizes it with (a Pad's: it holds 0, so quantizing before
            # or after the Pad is the same); the weights per channel of channels x multiplier, symmetric.
            low, high = activations[node.input[0]]
            xq = tf.quantization.fake_quant_with_min_max_vars(x, low, high, num_bits=8, narrow_range=False)
            h, wd, c, m = w.shape
            flat = tf.reshape(w, [h, wd, 1, c * m])
            limit = tf.maximum(tf.reduce_max(tf.abs(flat), axis=[0, 1, 2]), 1e-8)
            wq = tf.reshape(tf.quantization.fake_quant_with_min_max_vars_per_channel(flat, -limit, limit, num_bits=8, narrow_range=True), w.shape)
            shift = tf.nn.depthwise_conv2d(xq, wq, strides, padding) - tf.nn.depthwise_conv2d(x, w, strides, padding)
            shifts.append(tf.reduce_mean(shift, axis=[0, 1, 2]))
        with tf.compat.v1.Session(graph=g) as session:
            values = [session.run(shifts, {input_name: x}) for group in feeds for x in group]
    return {name: np.mean([v[i] for v in values], axis=0) for i, name in enumerate(ops)}


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

    retinaface_graph = load(os.path.join(args.models, "retinaface-frozen_graph.pb"))
    retinaface = ranges(retinaface_graph, photos, "x:0")
    corrected = [n.name for n in retinaface_graph.node if n.op == "DepthwiseConv2dNative" and any(k in n.name for k in CORRECTED)]
    corrections = bias_corrections(retinaface_graph, photos, "x:0", retinaface, corrected)
    facenet = ranges(load(os.path.join(args.models, "facenet-graph_final.pb")), groups, "input:0")

    def table(values):
        return "\n".join(f'        "{n}": {l:.6g}...{h:.6g},' for n, (l, h) in sorted(values.items()))

    def vectors(values):
        def rows(v):
            return "\n".join("            " + ", ".join(f"{x:.6g}" for x in v[i:i + 8]) + "," for i in range(0, len(v), 8))
        return "\n".join(f'        "{n}": [\n{rows(v)}\n        ],' for n, v in sorted(values.items()))
    with open(args.out, "w") as f:
        f.write(f"""// Written by scripts/models/int8_calibration.py from the graphs pinned in Models.swift and the
// {len(photos)} sample photos ({len(crops)} faces); do not edit by hand.

extension Int8Calibration {{
    static let retinaFace = Int8Calibration(activations: [
{table(retinaface)}
    ], biasCorrections: [
{vectors(corrections)}
    ])

    static let faceNet = Int8Calibration(activations: [
{table(facenet)}
    ])
}}
""")
    print(f"wrote {args.out}: RetinaFace {len(retinaface)} ranges and {len(corrections)} bias corrections, FaceNet {len(facenet)} ranges, "
          f"from {len(photos)} photos, {len(crops)} faces")


if __name__ == "__main__":
    main()
