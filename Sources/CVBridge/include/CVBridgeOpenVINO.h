// OpenVINO through its C library, loaded at run time with dlopen: frs builds and runs without it, and
// uses it when `frs models install` has put a verified copy in the models cache. Only the C++ side
// (OpenVINO.cpp) knows OpenVINO's C API; it resolves the functions it needs with dlsym.
#ifndef CVBRIDGE_OPENVINO_H
#define CVBRIDGE_OPENVINO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The loaded library and its ov_core. Never freed: OpenVINO's thread pools outlive any unload.
typedef struct cvb_ov_runtime cvb_ov_runtime;
/// A graph compiled for the CPU, with a pool of inference requests: several threads may run it at once.
typedef struct cvb_ov_net cvb_ov_net;

/// dlopens `library_path` (libopenvino_c.so.*; RPATH $ORIGIN finds the rest beside it), resolves the
/// functions frs calls and creates a core. NULL with the reason when any step fails.
cvb_ov_runtime *cvb_ov_load(const char *library_path, char *err, size_t errlen);
/// OpenVINO's build number, e.g. "2026.4.1-22982-...".
void cvb_ov_version(const cvb_ov_runtime *runtime, char *out, size_t outlen);
/// A CPU device property as text (e.g. INFERENCE_PRECISION_HINT: the precision it uses by default).
int cvb_ov_cpu_property(const cvb_ov_runtime *runtime, const char *key, char *out, size_t outlen, char *err,
                        size_t errlen);

/// Compiles a graph file (a TensorFlow frozen graph, by path, its input's shape as the file declares it)
/// for the CPU with the given properties (`keys[i]` = `values[i]`). With CACHE_DIR among them, a graph
/// compiled before is loaded from the cache without being read.
cvb_ov_net *cvb_ov_compile(cvb_ov_runtime *runtime, const char *graph_path, const char *const *keys,
                           const char *const *values, int n_properties, char *err, size_t errlen);
void cvb_ov_net_free(cvb_ov_net *net);
/// Runs one inference on `input` (float32, of shape `input_shape`, which the compiled input admits) and
/// copies out the named output tensors, as cvb_net_forward does. Safe to call from several threads at once:
/// each call takes an idle inference request or makes one.
int cvb_ov_infer(cvb_ov_net *net, const float *input, const int64_t *input_shape, int dims,
                 const char *const *output_names, int n_outputs, cvb_tensor *outputs, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
