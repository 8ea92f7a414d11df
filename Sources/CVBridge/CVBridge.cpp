#include "CVBridge.h"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

struct cvb_image {
    cv::Mat mat;
};

struct cvb_net {
    cv::dnn::Net net;
};

struct cvb_video {
    cv::VideoCapture capture;
    int64_t next = 0;  // the frame that read() returns next
};

namespace {

void writeError(char *err, size_t errlen, const std::string &message) {
    if (err == nullptr || errlen == 0) return;
    size_t n = std::min(errlen - 1, message.size());
    std::memcpy(err, message.data(), n);
    err[n] = '\0';
}

// OpenCV's exceptions carry "file:line: error: (-215) ... in function" noise; keep the message.
std::string describe(const std::exception &e) {
    if (auto cvError = dynamic_cast<const cv::Exception *>(&e)) {
        std::string m = cvError->err.empty() ? cvError->msg : cvError->err;
        return m;
    }
    return e.what();
}

template <typename F>
auto guarded(char *err, size_t errlen, F &&body) -> decltype(body()) {
    try {
        return body();
    } catch (const std::exception &e) {
        writeError(err, errlen, describe(e));
    } catch (...) {
        writeError(err, errlen, "unknown C++ exception");
    }
    return decltype(body())();
}

int interpolationMode(int code) {
    static const int modes[] = {cv::INTER_NEAREST, cv::INTER_LINEAR, cv::INTER_CUBIC, cv::INTER_AREA};
    return modes[std::clamp(code, 0, 3)];
}

cvb_image *wrap(cv::Mat mat) {
    auto image = new cvb_image;
    image->mat = std::move(mat);
    return image;
}

cv::Mat toBGR(const cv::Mat &decoded) {
    if (decoded.channels() == 3) return decoded;
    cv::Mat bgr;
    if (decoded.channels() == 1) cv::cvtColor(decoded, bgr, cv::COLOR_GRAY2BGR);
    else if (decoded.channels() == 4) cv::cvtColor(decoded, bgr, cv::COLOR_BGRA2BGR);
    else throw std::runtime_error("unsupported channel count " + std::to_string(decoded.channels()));
    return bgr;
}

}  // namespace

extern "C" {

void cvb_set_max_image_pixels(uint64_t pixels) {
    // OpenCV reads this once, at the first decode; it refuses larger images before allocating.
    setenv("OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(pixels).c_str(), 1);
}

void cvb_set_num_threads(int threads) {
    try { cv::setNumThreads(threads); } catch (...) {}
}

cvb_image *cvb_image_decode(const uint8_t *bytes, size_t length, int reduction, char *err, size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_image * {
        if (length == 0) {
            writeError(err, errlen, "empty file");
            return nullptr;
        }
        cv::Mat buffer(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t *>(bytes));
        // IMREAD_COLOR applies the EXIF orientation and converts 16-bit and grey images to 8-bit BGR.
        // The REDUCED variants decode a JPEG at 1/2, 1/4 or 1/8 scale in libjpeg (DCT scaling), which
        // skips most of the work; other formats are decoded whole and resized.
        int flags = cv::IMREAD_COLOR;
        switch (reduction) {
            case 2: flags = cv::IMREAD_REDUCED_COLOR_2; break;
            case 4: flags = cv::IMREAD_REDUCED_COLOR_4; break;
            case 8: flags = cv::IMREAD_REDUCED_COLOR_8; break;
            default: break;
        }
        cv::Mat decoded = cv::imdecode(buffer, flags);
        if (decoded.empty()) {
            writeError(err, errlen, "not a decodable image (unknown format, corrupt or truncated data)");
            return nullptr;
        }
        if (decoded.cols <= 0 || decoded.rows <= 0) {
            writeError(err, errlen, "image has no pixels");
            return nullptr;
        }
        return wrap(toBGR(decoded));
    });
}

cvb_video *cvb_video_open(const char *path, char *err, size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_video * {
        // FFmpeg's own log lines ("moov atom not found") would go to stderr; the reason comes back to
        // the caller as an error instead. 0 = AV_LOG_PANIC. Read once, at FFmpeg's first use.
        setenv("OPENCV_FFMPEG_LOGLEVEL", "0", 0);
        auto video = new cvb_video;
        // FFmpeg only: the other back-ends either cannot read files or guess by extension.
        if (!video->capture.open(path, cv::CAP_FFMPEG)) {
            delete video;
            writeError(err, errlen, "not a readable video (unknown format, corrupt data, or a codec FFmpeg lacks)");
            return nullptr;
        }
        return video;
    });
}

void cvb_video_free(cvb_video *video) { delete video; }

void cvb_video_info(const cvb_video *video, int64_t *frames, double *fps, int *width, int *height) {
    auto &capture = const_cast<cv::VideoCapture &>(video->capture);
    double count = capture.get(cv::CAP_PROP_FRAME_COUNT);
    double rate = capture.get(cv::CAP_PROP_FPS);
    *frames = std::isfinite(count) && count > 0 ? static_cast<int64_t>(count) : 0;
    *fps = std::isfinite(rate) && rate > 0 ? rate : 0;
    *width = static_cast<int>(capture.get(cv::CAP_PROP_FRAME_WIDTH));
    *height = static_cast<int>(capture.get(cv::CAP_PROP_FRAME_HEIGHT));
}

cvb_image *cvb_video_frame(cvb_video *video, int64_t index, char *err, size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_image * {
        // grab() without retrieve() skips a frame's colour conversion; a seek costs a decode from
        // the previous key frame, so short hops forward are cheaper by grabbing.
        const int64_t maxGrab = 120;
        if (index < video->next || index - video->next > maxGrab) {
            video->capture.set(cv::CAP_PROP_POS_FRAMES, static_cast<double>(index));
            video->next = index;
        }
        while (video->next < index) {
            if (!video->capture.grab()) {
                writeError(err, errlen, "no frame " + std::to_string(index) + ": the video ends at frame " + std::to_string(video->next));
                return nullptr;
            }
            video->next += 1;
        }
        cv::Mat frame;
        if (!video->capture.read(frame) || frame.empty()) {
            writeError(err, errlen, "no frame " + std::to_string(index) + " (past the end, or the data is corrupt)");
            return nullptr;
        }
        video->next = index + 1;
        // A copy of our own: a capture may hand out frames that share its decoding buffers.
        return wrap(toBGR(frame).clone());
    });
}

cvb_image *cvb_image_from_bgr(const uint8_t *pixels, int width, int height, char *err, size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_image * {
        cv::Mat view(height, width, CV_8UC3, const_cast<uint8_t *>(pixels));
        return wrap(view.clone());
    });
}

void cvb_image_free(cvb_image *image) { delete image; }
int cvb_image_width(const cvb_image *image) { return image->mat.cols; }
int cvb_image_height(const cvb_image *image) { return image->mat.rows; }

void cvb_image_copy_bgr(const cvb_image *image, uint8_t *out) {
    const cv::Mat &m = image->mat;
    size_t rowBytes = static_cast<size_t>(m.cols) * 3;
    for (int y = 0; y < m.rows; ++y) std::memcpy(out + y * rowBytes, m.ptr(y), rowBytes);
}

cvb_image *cvb_image_resize(const cvb_image *image, int width, int height, int interpolation, char *err,
                            size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_image * {
        int mode = interpolationMode(interpolation);
        cv::Mat out;
        cv::resize(image->mat, out, cv::Size(width, height), 0, 0, mode);
        return wrap(std::move(out));
    });
}

cvb_image *cvb_image_clone(const cvb_image *image, char *err, size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_image * { return wrap(image->mat.clone()); });
}

cvb_image *cvb_image_crop_resize(const cvb_image *image, double x, double y, double w, double h, int out_w,
                                 int out_h, int pad, int interpolation, char *err, size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_image * {
        const cv::Mat &m = image->mat;
        int x1 = static_cast<int>(std::floor(x)), y1 = static_cast<int>(std::floor(y));
        int x2 = static_cast<int>(std::ceil(x + w)), y2 = static_cast<int>(std::ceil(y + h));
        cv::Rect inside = cv::Rect(x1, y1, x2 - x1, y2 - y1) & cv::Rect(0, 0, m.cols, m.rows);
        if (inside.area() <= 0) throw std::runtime_error("crop rectangle lies outside the image");
        cv::Mat crop;
        if (pad) {
            cv::copyMakeBorder(m(inside), crop, inside.y - y1, y2 - (inside.y + inside.height), inside.x - x1,
                               x2 - (inside.x + inside.width), cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
        } else {
            crop = m(inside);
        }
        cv::Mat out;
        int mode = interpolation >= 0 ? interpolationMode(interpolation)
                   : (crop.cols > out_w || crop.rows > out_h) ? cv::INTER_AREA : cv::INTER_LINEAR;
        cv::resize(crop, out, cv::Size(out_w, out_h), 0, 0, mode);
        return wrap(std::move(out));
    });
}

cvb_image *cvb_image_warp_affine(const cvb_image *image, const double *matrix, int out_w, int out_h, char *err,
                                 size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_image * {
        cv::Mat affine(2, 3, CV_64F, const_cast<double *>(matrix));
        cv::Mat out;
        cv::warpAffine(image->mat, out, affine, cv::Size(out_w, out_h), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
        return wrap(std::move(out));
    });
}

int cvb_image_to_blob(const cvb_image *image, float *out, int out_w, int out_h, float mean, float scale, int rgb,
                      int nhwc, char *err, size_t errlen) {
    bool ok = guarded(err, errlen, [&]() -> bool {
        const cv::Mat &m = image->mat;
        if (m.cols > out_w || m.rows > out_h) throw std::runtime_error("image larger than the blob");
        size_t plane = static_cast<size_t>(out_w) * out_h;
        std::fill(out, out + plane * 3, 0.0f);
        // Output channel c takes BGR channel `source[c]`.
        const int source[3] = {rgb ? 2 : 0, 1, rgb ? 0 : 2};
        for (int y = 0; y < m.rows; ++y) {
            const uint8_t *row = m.ptr<uint8_t>(y);
            if (nhwc) {
                float *p = out + static_cast<size_t>(y) * out_w * 3;
                for (int x = 0; x < m.cols; ++x, p += 3) {
                    const uint8_t *px = row + x * 3;
                    p[0] = (px[source[0]] - mean) * scale;
                    p[1] = (px[source[1]] - mean) * scale;
                    p[2] = (px[source[2]] - mean) * scale;
                }
            } else {
                float *p0 = out + y * out_w, *p1 = p0 + plane, *p2 = p1 + plane;
                for (int x = 0; x < m.cols; ++x) {
                    const uint8_t *px = row + x * 3;
                    p0[x] = (px[source[0]] - mean) * scale;
                    p1[x] = (px[source[1]] - mean) * scale;
                    p2[x] = (px[source[2]] - mean) * scale;
                }
            }
        }
        return true;
    });
    return ok ? 0 : -1;
}

int cvb_image_encode_jpeg(const cvb_image *image, int quality, uint8_t **out, size_t *out_len, char *err,
                          size_t errlen) {
    *out = nullptr;
    *out_len = 0;
    bool ok = guarded(err, errlen, [&]() -> bool {
        std::vector<uint8_t> bytes;
        if (!cv::imencode(".jpg", image->mat, bytes, {cv::IMWRITE_JPEG_QUALITY, quality}))
            throw std::runtime_error("JPEG encoder failed");
        *out = static_cast<uint8_t *>(std::malloc(bytes.size()));
        if (*out == nullptr) throw std::bad_alloc();
        std::memcpy(*out, bytes.data(), bytes.size());
        *out_len = bytes.size();
        return true;
    });
    return ok ? 0 : -1;
}

void cvb_buffer_free(void *buffer) { std::free(buffer); }

void cvb_draw_rectangle(cvb_image *image, int x1, int y1, int x2, int y2, int b, int g, int r, int thickness) {
    try { cv::rectangle(image->mat, cv::Point(x1, y1), cv::Point(x2, y2), cv::Scalar(b, g, r), thickness, cv::LINE_AA); } catch (...) {}
}

void cvb_draw_circle(cvb_image *image, int x, int y, int radius, int b, int g, int r, int thickness) {
    try { cv::circle(image->mat, cv::Point(x, y), radius, cv::Scalar(b, g, r), thickness, cv::LINE_AA); } catch (...) {}
}

void cvb_draw_text(cvb_image *image, const char *text, int x, int y, double scale, int b, int g, int r, int thickness) {
    try {
        cv::putText(image->mat, text, cv::Point(x, y), cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(b, g, r), thickness,
                    cv::LINE_AA);
    } catch (...) {}
}

cvb_net *cvb_net_from_tensorflow(const uint8_t *model, size_t length, char *err, size_t errlen) {
    return guarded(err, errlen, [&]() -> cvb_net * {
        auto net = cv::dnn::readNetFromTensorflow(reinterpret_cast<const char *>(model), length);
        if (net.empty()) throw std::runtime_error("the graph loaded as an empty network");
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        auto handle = new cvb_net;
        handle->net = std::move(net);
        return handle;
    });
}

void cvb_net_free(cvb_net *net) { delete net; }

int cvb_net_forward(cvb_net *net, const float *input, const int *shape, int shape_dims,
                    const char *const *output_names, int n_outputs, cvb_tensor *outputs, char *err, size_t errlen) {
    for (int i = 0; i < n_outputs; ++i) outputs[i] = cvb_tensor{nullptr, 0, {0}};
    bool ok = guarded(err, errlen, [&]() -> bool {
        cv::Mat blob(shape_dims, shape, CV_32F, const_cast<float *>(input));
        net->net.setInput(blob);
        std::vector<cv::String> names(output_names, output_names + n_outputs);
        std::vector<cv::Mat> results;
        net->net.forward(results, names);
        for (int i = 0; i < n_outputs; ++i) {
            cv::Mat r = results[i].isContinuous() ? results[i] : results[i].clone();
            if (r.type() != CV_32F) throw std::runtime_error("output " + names[i] + " is not float32");
            if (r.dims > 8) throw std::runtime_error("output " + names[i] + " has too many dimensions");
            size_t count = r.total();
            outputs[i].data = static_cast<float *>(std::malloc(std::max<size_t>(count, 1) * sizeof(float)));
            if (outputs[i].data == nullptr) throw std::bad_alloc();
            std::memcpy(outputs[i].data, r.ptr<float>(), count * sizeof(float));
            outputs[i].dims = r.dims;
            for (int d = 0; d < r.dims; ++d) outputs[i].shape[d] = r.size[d];
        }
        return true;
    });
    if (!ok) {
        for (int i = 0; i < n_outputs; ++i) cvb_tensor_free(&outputs[i]);
    }
    return ok ? 0 : -1;
}

void cvb_tensor_free(cvb_tensor *tensor) {
    std::free(tensor->data);
    tensor->data = nullptr;
}

}  // extern "C"
