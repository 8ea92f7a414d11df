#include "CVBridge.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

// The part of OpenVINO's C API (2026.x, openvino/c/*.h) that frs calls, declared here so that the
// build never needs OpenVINO. Layouts and signatures are those of the 2026.4 headers; the `_props`
// functions take property arrays instead of C variadic arguments.
namespace ov {

typedef int status;  // ov_status_e; OK = 0
const status OK = 0;
const int F32 = 4;  // ov_element_type_e

struct core;
struct compiled_model;
struct infer_request;
struct tensor;

struct version {
    const char *buildNumber;
    const char *description;
};
struct shape {
    int64_t rank;
    int64_t *dims;
};
struct property {
    const char *key;
    const void *value;
};

struct api {
    status (*get_openvino_version)(version *);
    void (*version_free)(version *);
    status (*core_create)(core **);
    status (*core_get_property)(const core *, const char *, const char *, char **);
    status (*core_compile_model_from_file_props)(const core *, const char *, const char *, size_t, const property *,
                                                 compiled_model **);
    status (*compiled_model_create_infer_request)(const compiled_model *, infer_request **);
    void (*compiled_model_free)(compiled_model *);
    status (*shape_create)(int64_t, const int64_t *, shape *);
    status (*shape_free)(shape *);
    status (*tensor_create_from_host_ptr)(int, const shape, void *, tensor **);
    status (*tensor_get_shape)(const tensor *, shape *);
    status (*tensor_get_element_type)(const tensor *, int *);
    status (*tensor_data)(const tensor *, void **);
    void (*tensor_free)(tensor *);
    status (*infer_request_set_input_tensor)(infer_request *, const tensor *);
    status (*infer_request_infer)(infer_request *);
    status (*infer_request_get_tensor)(const infer_request *, const char *, tensor **);
    void (*infer_request_free)(infer_request *);
    const char *(*get_last_err_msg)();
    void (*free)(const char *);
};

}  // namespace ov

struct cvb_ov_runtime {
    void *library = nullptr;
    ov::api api{};
    ov::core *core = nullptr;
    std::string version;
};

// One compiled model and the inference requests made for it so far. A request runs one inference at a
// time; callers on several threads each take an idle one (or a new one) from the pool, so that one compiled
// model, compiled once and held in memory once, serves every worker (each request is one of its streams).
struct cvb_ov_net {
    const cvb_ov_runtime *runtime;
    ov::compiled_model *compiled = nullptr;
    std::mutex lock;
    std::vector<ov::infer_request *> idle;
    std::vector<ov::infer_request *> all;
};

namespace {

void writeText(char *out, size_t outlen, const std::string &text) {
    if (out == nullptr || outlen == 0) return;
    size_t n = std::min(outlen - 1, text.size());
    std::memcpy(out, text.data(), n);
    out[n] = '\0';
}

// "what failed: OpenVINO's own message (status N)".
std::string failure(const ov::api &api, const std::string &what, ov::status status) {
    std::string message = what + " failed (OpenVINO status " + std::to_string(status) + ")";
    if (api.get_last_err_msg != nullptr) {
        if (const char *detail = api.get_last_err_msg()) {
            std::string text(detail);
            api.free(detail);
            // OpenVINO's messages start with a source location and can run to many lines.
            if (!text.empty()) message += ": " + text.substr(0, 600);
        }
    }
    return message;
}

template <typename F>
bool resolve(void *library, const char *name, F &slot, std::string &missing) {
    slot = reinterpret_cast<F>(dlsym(library, name));
    if (slot == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(name);
    return slot != nullptr;
}

// Takes ownership of an OpenVINO-allocated string.
std::string take(const ov::api &api, char *text) {
    std::string result = text != nullptr ? text : "";
    if (text != nullptr) api.free(text);
    return result;
}

// An idle request of `net`, or a new one; nullptr with `status` set when creating one fails.
ov::infer_request *takeRequest(cvb_ov_net *net, ov::status &status) {
    {
        std::lock_guard<std::mutex> guard(net->lock);
        if (!net->idle.empty()) {
            ov::infer_request *request = net->idle.back();
            net->idle.pop_back();
            return request;
        }
    }
    ov::infer_request *request = nullptr;
    status = net->runtime->api.compiled_model_create_infer_request(net->compiled, &request);
    if (status != ov::OK) return nullptr;
    std::lock_guard<std::mutex> guard(net->lock);
    net->all.push_back(request);
    return request;
}

void returnRequest(cvb_ov_net *net, ov::infer_request *request) {
    std::lock_guard<std::mutex> guard(net->lock);
    net->idle.push_back(request);
}

// One inference on `request` at the input's own shape; the outputs are copied out.
int infer(cvb_ov_net *net, ov::infer_request *request, const float *input, const int64_t *input_shape, int dims,
          const char *const *output_names, int n_outputs, cvb_tensor *outputs, char *err, size_t errlen) {
    const ov::api &a = net->runtime->api;
    auto fail = [&](const std::string &message) {
        writeText(err, errlen, message);
        for (int i = 0; i < n_outputs; ++i) cvb_tensor_free(&outputs[i]);
        return -1;
    };

    ov::shape shape{};
    ov::status status = a.shape_create(dims, input_shape, &shape);
    if (status != ov::OK) return fail(failure(a, "creating the input shape", status));
    ov::tensor *tensor = nullptr;
    // OpenVINO only reads the input; the C API takes a non-const pointer.
    status = a.tensor_create_from_host_ptr(ov::F32, shape, const_cast<float *>(input), &tensor);
    a.shape_free(&shape);
    if (status != ov::OK) return fail(failure(a, "wrapping the input", status));
    status = a.infer_request_set_input_tensor(request, tensor);
    if (status == ov::OK) status = a.infer_request_infer(request);
    a.tensor_free(tensor);
    if (status != ov::OK) return fail(failure(a, "inference", status));

    for (int i = 0; i < n_outputs; ++i) {
        ov::tensor *result = nullptr;
        status = a.infer_request_get_tensor(request, output_names[i], &result);
        if (status != ov::OK) return fail(failure(a, std::string("getting output ") + output_names[i], status));
        ov::shape dims{};
        int type = 0;
        void *data = nullptr;
        status = a.tensor_get_shape(result, &dims);
        if (status == ov::OK) status = a.tensor_get_element_type(result, &type);
        if (status == ov::OK) status = a.tensor_data(result, &data);
        if (status != ov::OK || type != ov::F32 || dims.rank > 8) {
            if (status == ov::OK) a.shape_free(&dims);
            a.tensor_free(result);
            if (status != ov::OK) return fail(failure(a, std::string("reading output ") + output_names[i], status));
            return fail(std::string("output ") + output_names[i] + " is not a float32 tensor of at most 8 dimensions");
        }
        size_t count = 1;
        outputs[i].dims = static_cast<int>(dims.rank);
        for (int64_t d = 0; d < dims.rank; ++d) {
            outputs[i].shape[d] = static_cast<int>(dims.dims[d]);
            count *= static_cast<size_t>(dims.dims[d]);
        }
        a.shape_free(&dims);
        outputs[i].data = static_cast<float *>(std::malloc(std::max<size_t>(count, 1) * sizeof(float)));
        if (outputs[i].data == nullptr) {
            a.tensor_free(result);
            return fail("out of memory copying output " + std::string(output_names[i]));
        }
        std::memcpy(outputs[i].data, data, count * sizeof(float));
        a.tensor_free(result);
    }
    return 0;
}

}  // namespace

extern "C" {

cvb_ov_runtime *cvb_ov_load(const char *library_path, char *err, size_t errlen) {
    void *library = dlopen(library_path, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char *reason = dlerror();
        writeText(err, errlen, std::string("cannot load ") + library_path + ": " + (reason ? reason : "unknown reason"));
        return nullptr;
    }
    auto runtime = new cvb_ov_runtime;
    runtime->library = library;
    ov::api &a = runtime->api;
    std::string missing;
    resolve(library, "ov_get_openvino_version", a.get_openvino_version, missing);
    resolve(library, "ov_version_free", a.version_free, missing);
    resolve(library, "ov_core_create", a.core_create, missing);
    resolve(library, "ov_core_get_property", a.core_get_property, missing);
    resolve(library, "ov_core_compile_model_from_file_props", a.core_compile_model_from_file_props, missing);
    resolve(library, "ov_compiled_model_create_infer_request", a.compiled_model_create_infer_request, missing);
    resolve(library, "ov_compiled_model_free", a.compiled_model_free, missing);
    resolve(library, "ov_shape_create", a.shape_create, missing);
    resolve(library, "ov_shape_free", a.shape_free, missing);
    resolve(library, "ov_tensor_create_from_host_ptr", a.tensor_create_from_host_ptr, missing);
    resolve(library, "ov_tensor_get_shape", a.tensor_get_shape, missing);
    resolve(library, "ov_tensor_get_element_type", a.tensor_get_element_type, missing);
    resolve(library, "ov_tensor_data", a.tensor_data, missing);
    resolve(library, "ov_tensor_free", a.tensor_free, missing);
    resolve(library, "ov_infer_request_set_input_tensor", a.infer_request_set_input_tensor, missing);
    resolve(library, "ov_infer_request_infer", a.infer_request_infer, missing);
    resolve(library, "ov_infer_request_get_tensor", a.infer_request_get_tensor, missing);
    resolve(library, "ov_infer_request_free", a.infer_request_free, missing);
    resolve(library, "ov_get_last_err_msg", a.get_last_err_msg, missing);
    resolve(library, "ov_free", a.free, missing);
    if (!missing.empty()) {
        writeText(err, errlen, std::string(library_path) + " lacks " + missing + " (frs needs OpenVINO 2026.x)");
        dlclose(library);
        delete runtime;
        return nullptr;
    }
    ov::status status = a.core_create(&runtime->core);
    if (status != ov::OK) {
        writeText(err, errlen, failure(a, "creating the OpenVINO core", status));
        delete runtime;  // the library stays loaded: a half-initialised OpenVINO is not safe to unload
        return nullptr;
    }
    ov::version version{};
    if (a.get_openvino_version(&version) == ov::OK) {
        runtime->version = version.buildNumber ? version.buildNumber : "";
        a.version_free(&version);
    }
    return runtime;
}

void cvb_ov_version(const cvb_ov_runtime *runtime, char *out, size_t outlen) { writeText(out, outlen, runtime->version); }

int cvb_ov_cpu_property(const cvb_ov_runtime *runtime, const char *key, char *out, size_t outlen, char *err,
                        size_t errlen) {
    const ov::api &a = runtime->api;
    char *value = nullptr;
    ov::status status = a.core_get_property(runtime->core, "CPU", key, &value);
    if (status != ov::OK) {
        writeText(err, errlen, failure(a, std::string("reading CPU property ") + key, status));
        return -1;
    }
    writeText(out, outlen, take(a, value));
    return 0;
}

cvb_ov_net *cvb_ov_compile(cvb_ov_runtime *runtime, const char *graph_path, const char *const *keys,
                           const char *const *values, int n_properties, char *err, size_t errlen) {
    const ov::api &a = runtime->api;
    std::vector<ov::property> properties;
    for (int i = 0; i < n_properties; ++i) properties.push_back({keys[i], values[i]});
    // By path: with CACHE_DIR set, a graph compiled before is loaded from the cache without being read
    // (reading a TensorFlow graph costs more than compiling it).
    ov::compiled_model *compiled = nullptr;
    ov::status status = a.core_compile_model_from_file_props(runtime->core, graph_path, "CPU", properties.size(),
                                                             properties.data(), &compiled);
    if (status != ov::OK) {
        writeText(err, errlen, failure(a, std::string("compiling ") + graph_path + " for the CPU", status));
        return nullptr;
    }
    auto net = new cvb_ov_net;
    net->runtime = runtime;
    net->compiled = compiled;
    return net;
}

void cvb_ov_net_free(cvb_ov_net *net) {
    if (net == nullptr) return;
    for (ov::infer_request *request : net->all) net->runtime->api.infer_request_free(request);
    net->runtime->api.compiled_model_free(net->compiled);
    delete net;
}

int cvb_ov_infer(cvb_ov_net *net, const float *input, const int64_t *input_shape, int dims,
                 const char *const *output_names, int n_outputs, cvb_tensor *outputs, char *err, size_t errlen) {
    for (int i = 0; i < n_outputs; ++i) outputs[i] = cvb_tensor{nullptr, 0, {0}};
    ov::status status = ov::OK;
    ov::infer_request *request = takeRequest(net, status);
    if (request == nullptr) {
        writeText(err, errlen, failure(net->runtime->api, "creating an inference request", status));
        return -1;
    }
    int result = infer(net, request, input, input_shape, dims, output_names, n_outputs, outputs, err, errlen);
    returnRequest(net, request);
    return result;
}

}  // extern "C"
