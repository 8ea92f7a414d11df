#!/usr/bin/env python3
"""The obvious Python alternative to `frs add DIR && frs run`, for benchmarks only (never part of frs).

Same models, same job: decode every photo, scale it so that its longer side is between 640 and
1024 px, find faces with RetinaFace (score >= 0.9), crop each box enlarged by 30 % to 160x160, and
embed all faces of a photo with FaceNet in one batch. Prints images/s and the face count.

    python3 peer.py --engine openvino --models ~/.cache/frs/models DIR   # after one `frs run`
    python3 peer.py --engine ort --onnx /tmp/frs-onnx DIR     # ONNX files made by make_onnx.sh
    python3 peer.py --engine openvino --int8 DIR              # both networks quantized with NNCF first

Needs numpy, opencv-python-headless and openvino or onnxruntime (a throw-away venv); --int8 also nncf.
With --int8 the networks are quantized (NNCF's defaults, on the first 20 photos and their faces) before
the clock starts, as a script would quantize once and save the result.
"""
import argparse, glob, os, sys, time

import cv2
import numpy as np

EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")


def scaled(image):
    h, w = image.shape[:2]
    side = min(max(max(w, h), 640), 1024)
    s = side / max(w, h)
    if s == 1:
        return image, 1.0
    size = (max(1, round(w * s)), max(1, round(h * s)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR), s


def prepared(image):
    """The photo, its scale, and the detector's input: the scaled photo (RGB) zero-padded to a multiple of 32."""
    small, s = scaled(image)
    h, w = small.shape[:2]
    x = np.zeros((1, (h + 31) // 32 * 32, (w + 31) // 32 * 32, 3), np.float32)
    x[0, :h, :w] = small[:, :, ::-1]
    return image, s, x


def face_crops(image, s, x, rows):
    """FaceNet's inputs for the detector's rows at score >= 0.9: each box enlarged by 30 %, 160x160."""
    H, W = x.shape[1:3]
    crops = []
    for r in rows[rows[:, 15] >= 0.9]:
        x1, y1, x2, y2 = r[0] * W / s, r[1] * H / s, r[2] * W / s, r[3] * H / s
        mx, my = (x2 - x1) * 0.15, (y2 - y1) * 0.15
        x1, y1 = max(0, int(x1 - mx)), max(0, int(y1 - my))
        x2, y2 = min(image.shape[1], int(np.ceil(x2 + mx))), min(image.shape[0], int(np.ceil(y2 + my)))
        if x2 <= x1 or y2 <= y1:
            continue
        crop = cv2.resize(image[y1:y2, x1:x2], (160, 160), interpolation=cv2.INTER_LINEAR)
        crops.append((crop[:, :, ::-1].astype(np.float32) - 127.5) / 128)
    return crops


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--engine", choices=["openvino", "ort"], required=True)
    ap.add_argument("--models", default=os.path.expanduser("~/.cache/frs/models"))
    ap.add_argument("--onnx", default="/tmp/frs-onnx")
    ap.add_argument("--precision", default=None, help="OpenVINO INFERENCE_PRECISION_HINT (default: OpenVINO's)")
    ap.add_argument("--int8", action="store_true", help="quantize both networks with NNCF first (OpenVINO)")
    args = ap.parse_args()
    files = sorted(p for p in glob.glob(os.path.join(args.folder, "*")) if p.lower().endswith(EXTENSIONS))

    if args.engine == "openvino":
        import openvino as ov
        core = ov.Core()
        config = {"PERFORMANCE_HINT": "LATENCY"}
        if args.precision:
            config["INFERENCE_PRECISION_HINT"] = args.precision
        detector_model = core.read_model(os.path.join(args.models, "retinaface-frozen_graph.pb"))
        detector = core.compile_model(detector_model, "CPU", config)
        # The batch-ready FaceNet graph frs writes to its cache (two reshape constants set to -1); frs's
        # quantized copies (in the same folder) hold fake-quantization nodes.
        facenet_path = [p for p in sorted(glob.glob(os.path.join(args.models, "graphs", "facenet-*.pb")))
                        if b"frs_int8" not in open(p, "rb").read()][0]
        facenet_model = core.read_model(facenet_path)
        facenet_model.reshape([-1, 160, 160, 3])
        embedder = core.compile_model(facenet_model, "CPU", config)
        if args.int8:
            import nncf
            photos = [prepared(cv2.imread(p, cv2.IMREAD_COLOR)) for p in files[:20]]
            crops = [c[None] for image, s, x in photos for c in face_crops(image, s, x, detector(x)[0])]
            detector = core.compile_model(nncf.quantize(detector_model, nncf.Dataset([x for _, _, x in photos]), subset_size=len(photos)), "CPU", config)
            embedder = core.compile_model(nncf.quantize(facenet_model, nncf.Dataset(crops), subset_size=len(crops)), "CPU", config)
        detect = lambda x: detector(x)[0]
        embed = lambda x: embedder(x)[0]
    else:
        import onnxruntime as ort
        detector = ort.InferenceSession(os.path.join(args.onnx, "retinaface.onnx"), providers=["CPUExecutionProvider"])
        embedder = ort.InferenceSession(os.path.join(args.onnx, "facenet.onnx"), providers=["CPUExecutionProvider"])
        d_in, e_in = detector.get_inputs()[0].name, embedder.get_inputs()[0].name
        detect = lambda x: detector.run(None, {d_in: x})[0]
        embed = lambda x: embedder.run(None, {e_in: x})[0]

    start = time.time()
    faces = 0
    for path in files:
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        if image is None:
            continue
        image, s, x = prepared(image)
        crops = face_crops(image, s, x, detect(x))
        if crops:
            vectors = embed(np.stack(crops))
            faces += len(vectors)
    seconds = time.time() - start
    label = args.engine + ("-" + args.precision if args.precision else "") + ("-int8" if args.int8 else "")
    print(f"{label}: {len(files)} images, {faces} faces, "
          f"{seconds:.1f} s, {len(files) / seconds:.2f} images/s")


if __name__ == "__main__":
    sys.exit(main())
