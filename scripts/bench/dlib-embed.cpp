// dlib-embed: dlib's ResNet face embedding (dlib_face_recognition_resnet_model_v1, 128-d) of faces
// that frs found, for measuring it against FaceNet (docs/recognition.md, "Embedding headroom").
// Not part of frs: built by scripts/bench/embedding-headroom-dlib with g++ against Debian's libdlib-dev.
//
// Input (stdin), one face per line, tab-separated:
//   face_id  photo_path  x1 y1 x2 y2  lx0 ly0 ... lx4 ly4   (RetinaFace box and five landmarks:
//   eye on the image's left, other eye, nose, mouth corner on the left, right; image pixels)
// Output (stdout): face_id, then 128 comma-separated floats (dlib's vectors are not normalised).
//
// --align retina (default): the 150x150 chip comes from a similarity transform of RetinaFace's
//   five points onto dlib's mean face (the one get_face_chip_details uses), padding 0.25.
// --align dlib5: dlib's own 5-point shape predictor is run in the RetinaFace box, then
//   get_face_chip_details(shape, 150, 0.25): exactly what dlib's face_recognition does.
#include <dlib/dnn.h>
#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <chrono>
#include <iostream>
#include <sstream>
#include <string>

using namespace dlib;

// The network, as in dlib's examples/dnn_face_recognition_ex.cpp.
template <template <int,template<typename>class,int,typename> class block, int N, template<typename>class BN, typename SUBNET>
using residual = add_prev1<block<N,BN,1,tag1<SUBNET>>>;
template <template <int,template<typename>class,int,typename> class block, int N, template<typename>class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2,2,2,2,skip1<tag2<block<N,BN,2,tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block  = BN<con<N,3,3,1,1,relu<BN<con<N,3,3,stride,stride,SUBNET>>>>>;
template <int N, typename SUBNET> using ares      = relu<residual<block,N,affine,SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block,N,affine,SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256,SUBNET>;
template <typename SUBNET> using alevel1 = ares<256,ares<256,ares_down<256,SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128,ares<128,ares_down<128,SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64,ares<64,ares<64,ares_down<64,SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32,ares<32,ares<32,SUBNET>>>;
using anet_type = loss_metric<fc_no_bias<128,avg_pool_everything<
                            alevel0<alevel1<alevel2<alevel3<alevel4<
                            max_pool<3,3,2,2,relu<affine<con<32,7,7,2,2,
                            input_rgb_image_sized<150>>>>>>>>>>>>>;

struct Face {
    std::string id, path;
    double box[4];
    double landmarks[10];
};

// RetinaFace's five points on dlib's mean face (face points 17-67 of get_face_chip_details, in
// [0,1]): the centres of the two eyes (points 36-41, 42-47), the nose tip (30), the mouth corners (48, 54).
static std::vector<dpoint> retinaTemplate(double size, double padding) {
    const double eye1x = (0.121737 + 0.187122 + 0.265825 + 0.334606 + 0.260918 + 0.182743) / 6;
    const double eye1y = (0.216423 + 0.178758 + 0.179852 + 0.231733 + 0.245099 + 0.244077) / 6;
    const double eye2x = (0.645647 + 0.714428 + 0.793132 + 0.858516 + 0.79751 + 0.719335) / 6;
    const double eye2y = (0.231733 + 0.179852 + 0.178758 + 0.216423 + 0.244077 + 0.245099) / 6;
    std::vector<dpoint> points = {{eye1x, eye1y}, {eye2x, eye2y}, {0.490127, 0.515625}, {0.254149, 0.780233}, {0.726104, 0.780233}};
    for (auto& p : points) p = (padding + p) / (2 * padding + 1) * size;
    return points;
}

int main(int argc, char** argv) {
    std::string models = ".", align = "retina";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string key = argv[i];
        if (key == "--models") models = argv[i + 1];
        else if (key == "--align") align = argv[i + 1];
        else { std::cerr << "usage: dlib-embed [--models DIR] [--align retina|dlib5] < faces.tsv\n"; return 2; }
    }
    anet_type net;
    deserialize(models + "/dlib_face_recognition_resnet_model_v1.dat") >> net;
    shape_predictor predictor;
    if (align == "dlib5") deserialize(models + "/shape_predictor_5_face_landmarks.dat") >> predictor;
    const auto chipPoints = retinaTemplate(150, 0.25);

    std::vector<Face> batch;
    std::vector<matrix<rgb_pixel>> chips;
    std::string loadedPath;
    matrix<rgb_pixel> image;
    double netSeconds = 0;
    size_t faces = 0;
    auto flush = [&] {
        if (chips.empty()) return;
        auto start = std::chrono::steady_clock::now();
        std::vector<matrix<float, 0, 1>> vectors = net(chips, 32);
        netSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (size_t i = 0; i < vectors.size(); ++i) {
            std::cout << batch[i].id << '\t';
            for (long k = 0; k < vectors[i].size(); ++k) std::cout << (k ? "," : "") << vectors[i](k);
            std::cout << '\n';
        }
        faces += chips.size();
        batch.clear();
        chips.clear();
    };
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        Face face;
        std::getline(in, face.id, '\t');
        std::getline(in, face.path, '\t');
        for (double& v : face.box) in >> v;
        for (double& v : face.landmarks) in >> v;
        if (!in) { std::cerr << "bad line: " << line << '\n'; return 1; }
        if (face.path != loadedPath) { load_image(image, face.path); loadedPath = face.path; }
        chip_details details;
        if (align == "dlib5") {
            drectangle box(face.box[0], face.box[1], face.box[2], face.box[3]);
            details = get_face_chip_details(predictor(image, rectangle(box.left(), box.top(), box.right(), box.bottom())), 150, 0.25);
        } else {
            std::vector<dpoint> imagePoints;
            for (int k = 0; k < 5; ++k) imagePoints.emplace_back(face.landmarks[2 * k], face.landmarks[2 * k + 1]);
            details = chip_details(chipPoints, imagePoints, chip_dims(150, 150));
        }
        matrix<rgb_pixel> chip;
        extract_image_chip(image, details, chip);
        chips.push_back(std::move(chip));
        batch.push_back(face);
        if (chips.size() == 32) flush();
    }
    flush();
    std::cerr << "dlib-embed: " << faces << " faces, " << netSeconds << " s in the network ("
              << (netSeconds > 0 ? faces / netSeconds : 0) << " faces/s)\n";
}
