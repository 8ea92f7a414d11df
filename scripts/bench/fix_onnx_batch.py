#!/usr/bin/env python3
"""tf2onnx folds FaceNet's batch-norm reshape to a batch of 1 ([1, 512, 1, 1]); make it [-1, 512, 1, 1] so
that the ONNX Runtime peer embeds a photo's faces in one batch, as frs and the OpenVINO peer do.
Usage: fix_onnx_batch.py facenet.onnx (in the tf2onnx venv, which has the onnx package)."""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

path = sys.argv[1]
model = onnx.load(path)
initializers = {i.name: i for i in model.graph.initializer}
for node in model.graph.node:
    shape = initializers.get(node.input[1]) if node.op_type == "Reshape" else None
    if shape is not None:
        value = numpy_helper.to_array(shape)
        if value[0] == 1 and value.size > 1:
            shape.CopyFrom(numpy_helper.from_array(np.concatenate([[-1], value[1:]]).astype(value.dtype), shape.name))
            print(f"{node.name}: {value.tolist()} -> batch -1")
# Shapes tf2onnx recorded for a batch of 1 would let ONNX Runtime's optimiser rebuild the fixed reshape.
del model.graph.value_info[:]
for value in list(model.graph.input) + list(model.graph.output):
    dims = value.type.tensor_type.shape.dim
    if dims:
        dims[0].dim_param = "batch"
onnx.save(model, path)
