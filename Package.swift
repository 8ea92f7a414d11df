// swift-tools-version:6.0
import PackageDescription

// OpenCV 4.6 from Debian's libopencv-dev. Only CVBridge sees its headers.
let openCVLibraries = ["opencv_core", "opencv_imgproc", "opencv_imgcodecs", "opencv_videoio", "opencv_dnn"]

// The clustering hot loops use SIMD types; without a baseline above SSE2 the compiler splits them
// into 128-bit operations and loses FMA. Haswell (AVX2 + FMA, 2013) is the oldest x86 server CPU
// we expect. Package.swift is compiled for the build machine, so `#if arch` sees its architecture.
#if arch(x86_64)
let simdFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let simdFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "frs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "frs", targets: ["frs"]),
        .library(name: "FaceVision", targets: ["FaceVision"]),
        .library(name: "FaceStore", targets: ["FaceStore"]),
        .library(name: "FaceClustering", targets: ["FaceClustering"]),
        .executable(name: "cluster-bench", targets: ["ClusterBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
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
        // unixODBC (Debian unixodbc-dev; the FreeTDS driver is tdsodbc), for the SQL Server store.
        .systemLibrary(name: "CODBC", pkgConfig: "odbc", providers: [.apt(["unixodbc-dev", "tdsodbc"])]),
        .target(
            name: "FaceStore",
            dependencies: [
                "CODBC",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Scoring detection and verification against labelled photos (`frs eval`): not part of the face API.
        .target(name: "FaceEvaluation", dependencies: ["FaceVision"]),
        .target(name: "FaceClustering", swiftSettings: simdFlags),
        .executableTarget(
            name: "ClusterBench",
            dependencies: ["FaceClustering", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: simdFlags
        ),
        .target(
            name: "FacePipeline",
            dependencies: [
                "FaceVision",
                "FaceStore",
                "FaceClustering",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "FaceWeb",
            dependencies: [
                "FacePipeline",
                "FaceStore",
                "FaceVision",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "frs",
            dependencies: [
                "FaceVision",
                "FaceEvaluation",
                "FaceStore",
                "FaceClustering",
                "FacePipeline",
                "FaceWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "FRSTestSupport", path: "Tests/FRSTestSupport"),
        // Fresh SQLite files and PostgreSQL schemas for the tests of every target that stores something.
        .target(
            name: "StoreTestSupport",
            dependencies: [
                "FaceStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/StoreTestSupport"
        ),
        .testTarget(name: "FaceVisionTests", dependencies: ["FaceVision", "FRSTestSupport"]),
        .testTarget(name: "FrsCLITests", dependencies: ["frs", "FRSTestSupport"]),
        .testTarget(name: "FaceClusteringTests", dependencies: ["FaceClustering"]),
        .testTarget(name: "FaceEvaluationTests", dependencies: ["FaceEvaluation", "FaceVision"]),
        .testTarget(name: "FacePipelineTests", dependencies: ["FacePipeline", "FaceStore", "FaceVision", "FRSTestSupport"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["frs", "FRSTestSupport", "StoreTestSupport", "FacePipeline", "FaceStore", "FaceVision", "FaceClustering",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "FaceWebTests",
            dependencies: [
                "FaceWeb",
                "FacePipeline",
                "FaceStore",
                "FaceVision",
                "frs",
                "FRSTestSupport",
                "StoreTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "FaceStoreTests",
            dependencies: ["FaceStore", "StoreTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    cxxLanguageStandard: .cxx17
)
