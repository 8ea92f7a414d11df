@testable import FaceClustering

/// Seeded, well-separated identity clusters on the unit sphere: random centres in 512-d are
/// nearly orthogonal (cos ~ 0 +- 0.05), and faces sit at cos ~ 0.8 from each other.
struct Blobs {
    var matrix: EmbeddingMatrix
    var truth: [Int]

    init(sizes: [Int], dimension: Int = 512, noise: Float = 0.02, seed: UInt64 = 1) {
        var rng = SeededRandom(seed: seed)
        var storage: [Float] = []
        var truth: [Int] = []
        for (c, size) in sizes.enumerated() {
            var centre = (0 ..< dimension).map { _ in rng.nextGaussian() }
            Self.normalize(&centre)
            for _ in 0 ..< size {
                var v = centre.map { $0 + noise * rng.nextGaussian() }
                Self.normalize(&v)
                storage += v
                truth.append(c)
            }
        }
        matrix = EmbeddingMatrix(count: truth.count, dimension: dimension, storage: storage)
        self.truth = truth
    }

    /// Appends `count` isolated random points with truth ids after the clusters.
    mutating func addOutliers(_ count: Int, seed: UInt64 = 99) {
        var rng = SeededRandom(seed: seed)
        var storage = matrix.storage
        let base = (truth.max() ?? -1) + 1
        for o in 0 ..< count {
            var v = (0 ..< matrix.dimension).map { _ in rng.nextGaussian() }
            Self.normalize(&v)
            storage += v
            truth.append(base + o)
        }
        matrix = EmbeddingMatrix(count: truth.count, dimension: matrix.dimension, storage: storage)
    }

    static func normalize(_ v: inout [Float]) {
        let s = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in v.indices { v[i] /= s }
    }
}

let allMethods: [(String, ClusteringMethod)] = [
    ("cohort CW", .cohortChineseWhispers(ChineseWhispersParameters())),
    ("rank-order", .default),
    ("DBSCAN", .dbscan(DBSCANParameters(eps: 0.35, minSamples: 3))),
    ("UMAP+DBSCAN", .umapDBSCAN(UMAPParameters(neighbors: 15, components: 10, minDist: 0.0), DBSCANParameters(eps: 0.5, minSamples: 3))),
]

func clusterWith(_ method: ClusteringMethod, _ faces: FaceCollection, minSize: Int = 3) -> ClusteringResult {
    FaceClusterer(options: ClusteringOptions(method: method, minClusterSize: minSize)).cluster(faces)
}
