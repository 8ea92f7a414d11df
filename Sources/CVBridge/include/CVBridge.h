// A plain C interface over the few OpenCV 4.6 features frs uses. Nothing outside this target
// includes OpenCV. Every function catches C++ exceptions; failures return NULL or non-zero and
// write OpenCV's message into `err` (at most `errlen` bytes, NUL-terminated).
#ifndef CVBRIDGE_H
#define CVBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An 8-bit, 3-channel BGR image in OpenCV's layout (rows of width*3 bytes, `step` apart).
typedef struct cvb_image cvb_image;
/// A loaded cv::dnn network.
typedef struct cvb_net cvb_net;
/// An open video file (cv::VideoCapture) and the index of the frame it reads next.
typedef struct cvb_video cvb_video;

/// A tensor produced by a forward pass; `data` is owned by the tensor (free with cvb_tensor_free).
typedef struct {
    float *data;
    int dims;
    int shape[8];
} cvb_tensor;

/// Limits how many pixels a decoder will allocate; must be called before the first decode.
void cvb_set_max_image_pixels(uint64_t pixels);
void cvb_set_num_threads(int threads);

/// Decodes an encoded image (JPEG, PNG, BMP, TIFF, WebP, ...) from memory, applying its EXIF orientation.
/// `reduction` 2, 4 or 8 decodes at that fraction of the size (fast for JPEG); anything else, full size.
cvb_image *cvb_image_decode(const uint8_t *bytes, size_t length, int reduction, char *err, size_t errlen);
/// Wraps a copy of packed BGR pixels (rows of width*3 bytes).
cvb_image *cvb_image_from_bgr(const uint8_t *pixels, int width, int height, char *err, size_t errlen);
void cvb_image_free(cvb_image *image);
int cvb_image_width(const cvb_image *image);
int cvb_image_height(const cvb_image *image);
/// Copies the pixels out as packed BGR rows (width*height*3 bytes).
void cvb_image_copy_bgr(const cvb_image *image, uint8_t *out);

/// interpolation: 0 nearest, 1 linear, 2 cubic, 3 area.
cvb_image *cvb_image_resize(const cvb_image *image, int width, int height, int interpolation, char *err, size_t errlen);
/// Crops the rectangle [x, x+w) x [y, y+h) (which may reach outside the image) and resizes it to
/// out_w x out_h with `interpolation` (as for resize; -1 picks area when shrinking, else linear).
/// Outside pixels are black when `pad` is non-zero; otherwise the rectangle is clipped to the image first.
cvb_image *cvb_image_crop_resize(const cvb_image *image, double x, double y, double w, double h,
                                 int out_w, int out_h, int pad, int interpolation, char *err, size_t errlen);
cvb_image *cvb_image_clone(const cvb_image *image, char *err, size_t errlen);
/// Warps with a 2x3 affine matrix (row-major) into out_w x out_h, black border, linear interpolation.
cvb_image *cvb_image_warp_affine(const cvb_image *image, const double *matrix, int out_w, int out_h,
                                 char *err, size_t errlen);

/// Writes the image into `out` as float32, value = (pixel - mean) * scale, RGB when `rgb` is non-zero:
/// NCHW (3 planes of out_h x out_w) or, with `nhwc`, rows of interleaved channels. The image is placed
/// at the top-left; the rest is zero. The image must not be larger than out_w x out_h.
int cvb_image_to_blob(const cvb_image *image, float *out, int out_w, int out_h, float mean, float scale,
                      int rgb, int nhwc, char *err, size_t errlen);

/// JPEG-encodes; *out is malloc'ed (free with cvb_buffer_free).
int cvb_image_encode_jpeg(const cvb_image *image, int quality, uint8_t **out, size_t *out_len,
                          char *err, size_t errlen);
void cvb_buffer_free(void *buffer);

/// Drawing for annotated copies; colours are BGR.
void cvb_draw_rectangle(cvb_image *image, int x1, int y1, int x2, int y2, int b, int g, int r, int thickness);
void cvb_draw_circle(cvb_image *image, int x, int y, int radius, int b, int g, int r, int thickness);
void cvb_draw_text(cvb_image *image, const char *text, int x, int y, double scale, int b, int g, int r, int thickness);

/// Opens a video file through OpenCV's video I/O (FFmpeg). NULL with a reason when it cannot be opened.
cvb_video *cvb_video_open(const char *path, char *err, size_t errlen);
void cvb_video_free(cvb_video *video);
/// Frame count and rate as the container states them (either may be 0 when unknown), and the
/// size of the decoded frames (after the rotation the container asks for).
void cvb_video_info(const cvb_video *video, int64_t *frames, double *fps, int *width, int *height);
/// Decodes frame `index` (0-based). Reading forward from the current position skips frames without
/// converting them; going back, or far ahead, seeks. NULL with a reason past the end or on bad data.
cvb_image *cvb_video_frame(cvb_video *video, int64_t index, char *err, size_t errlen);

/// Loads a TensorFlow GraphDef from memory.
cvb_net *cvb_net_from_tensorflow(const uint8_t *model, size_t length, char *err, size_t errlen);
void cvb_net_free(cvb_net *net);
/// Runs a forward pass on an NCHW float32 input and returns the named outputs (n_outputs tensors
/// written to `outputs`, each to be released with cvb_tensor_free).
int cvb_net_forward(cvb_net *net, const float *input, const int *shape, int shape_dims,
                    const char *const *output_names, int n_outputs, cvb_tensor *outputs,
                    char *err, size_t errlen);
void cvb_tensor_free(cvb_tensor *tensor);

#ifdef __cplusplus
}
#endif

#include "CVBridgeOpenVINO.h"

#endif
