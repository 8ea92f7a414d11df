#!/usr/bin/env python3
"""How OpenVINO's streams and thread pinning change throughput on this CPU (benchmarks only, never frs).

frs runs one worker per core, each worker's forward passes on a stream of its own, RetinaFace and FaceNet
compiled as separate networks, and turns OpenVINO's thread pinning off when there are several streams.
This script measures why, with the graphs frs writes to its models cache:

1. one network, one stream on all cores against two streams used by two threads;
2. "workers" that each run RetinaFace then FaceNet, as frs's do: one stream, and two streams pinned
   (OpenVINO's default) or not. Pinned, each network puts stream i on core i, so a worker in RetinaFace
   and a worker in FaceNet can share one core while the other idles.

    python3 ov_streams.py --models ~/.cache/frs/models     # after `frs models install` and one `frs run`

Needs numpy and openvino==2026.4.1 (a throw-away venv).
"""
import argparse, glob, os, threading, time

import numpy as np
import openvino as ov


def compiled(core, path, shape, config):
    model = core.read_model(path)
    model.reshape(shape)
    return core.compile_model(model, "CPU", config)


def passes_per_second(chains, rounds):
    """Each chain (requests with their inputs) runs `rounds` times on a thread of its own, all at once;
    returns chains run per second, all threads together."""
    def work(chain, rounds):
        for _ in range(rounds):
            for request, x in chain:
                request.infer({0: x})
    for chain in chains:
        work(chain, 1)  # the first pass allocates
    threads = [threading.Thread(target=work, args=(chain, rounds)) for chain in chains]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(chains) * rounds / (time.time() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=os.path.expanduser("~/.cache/frs/models"))
    ap.add_argument("--rounds", type=int, default=12)
    args = ap.parse_args()
    core = ov.Core()
    retinaface = os.path.join(args.models, "retinaface-frozen_graph.pb")
    # The plain graph, not one of frs's int8 copies (which hold fake-quantization nodes).
    facenet = [p for p in sorted(glob.glob(os.path.join(args.models, "graphs", "facenet-*.pb")))
               if b"frs_int8" not in open(p, "rb").read()][0]
    one = {"PERFORMANCE_HINT": "LATENCY"}
    two = {"PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": "2"}
    unpinned = dict(two, ENABLE_CPU_PINNING="NO")

    print("1. one network: passes per second, all threads together")
    for name, path, shape in [("RetinaFace 640x640", retinaface, [1, 640, 640, 3]),
                              ("RetinaFace 1024x768", retinaface, [1, 768, 1024, 3]),
                              ("FaceNet batch 1", facenet, [1, 160, 160, 3]),
                              ("FaceNet batch 8", facenet, [8, 160, 160, 3])]:
        x = np.random.rand(*shape).astype(np.float32)
        for label, config, threads in [("one stream, one thread calling", one, 1),
                                       ("two streams, two threads calling", unpinned, 2)]:
            net = compiled(core, path, shape, config)
            chains = [[(net.create_infer_request(), x)] for _ in range(threads)]
            print(f"  {name:22s} {label:34s} {passes_per_second(chains, args.rounds):6.2f}/s", flush=True)

    print("2. workers running RetinaFace 640x640 then FaceNet batch 4: pairs per second")
    xa = np.random.rand(1, 640, 640, 3).astype(np.float32)
    xb = np.random.rand(4, 160, 160, 3).astype(np.float32)
    for label, config, workers in [("one stream, one worker", one, 1),
                                   ("two streams pinned, two workers", two, 2),
                                   ("two streams not pinned, two workers", unpinned, 2)]:
        a = compiled(core, retinaface, list(xa.shape), config)
        b = compiled(core, facenet, list(xb.shape), config)
        chains = [[(a.create_infer_request(), xa), (b.create_infer_request(), xb)] for _ in range(workers)]
        print(f"  {label:38s} {passes_per_second(chains, args.rounds):6.2f}/s", flush=True)


if __name__ == "__main__":
    main()
