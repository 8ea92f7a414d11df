// swift-tools-version:6.0
import PackageDescription

// OpenCV 4.6 from Debian's libopencv-dev. Only CVBridge sees its headers.
let openCVLibraries = ["opencv_core", "opencv_imgproc", "opencv_imgcodecs", "opencv_dnn"]

let package = Package(
    name: "frs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "frs", targets: ["frs"]),
        .library(name: "FaceVision", targets: ["FaceVision"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "CVBridge",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-O2"])],
            linkerSettings: openCVLibraries.map { .linkedLibrary($0) }
        ),
        .target(
            name: "FaceVision",
            dependencies: [
                "CVBridge",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "frs",
            dependencies: [
                "FaceVision",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FaceVisionTests", dependencies: ["FaceVision"]),
    ],
    cxxLanguageStandard: .cxx17
)
