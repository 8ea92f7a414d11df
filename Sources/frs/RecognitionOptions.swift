import ArgumentParser
import FaceClustering
import FacePipeline

/// How faces become persons; shared by cluster, recluster, recognize, run, automate and eval.
struct RecognitionOptions: ParsableArguments {
    enum Method: String, ExpressibleByArgument, CaseIterable {
        case `default`, rankOrder = "rank-order", chineseWhispers = "chinese-whispers", original, umapDBSCAN = "umap-dbscan", dbscan

        var clusteringMethod: ClusteringMethod {
            switch self {
            case .default, .rankOrder: .default
            case .chineseWhispers: .cohortChineseWhispers(ChineseWhispersParameters())
            case .original: .originalSystem
            case .umapDBSCAN: .umapDBSCAN(UMAPParameters(neighbors: 15, components: 10, minDist: 0.0), DBSCANParameters(eps: 0.08, minSamples: 3))
            case .dbscan: .dbscan(DBSCANParameters(eps: 0.35, minSamples: 3))
            }
        }
    }

    @Option(help: ArgumentHelp("Clustering method: default (rank-order), chinese-whispers, original (the original system: UMAP 10-d + DBSCAN eps 0.35, min 3), umap-dbscan (UMAP 10-d + DBSCAN eps 0.08, tuned), dbscan (cosine eps 0.35, min 3).", valueName: "method"))
    var method: Method = .default

    @Option(help: "Smallest group of faces that becomes a new person; smaller groups wait until they grow.")
    var minFaces: Int = 3

    @Option(help: "Similarity score at which a new face joins a known person.")
    var matchThreshold: Float = Recognizer.Options().matchThreshold

    func validate() throws {
        guard minFaces >= 1 else { throw ValidationError("--min-faces must be at least 1") }
        guard (0...1).contains(matchThreshold) else { throw ValidationError("--match-threshold must be between 0 and 1") }
    }

    func options(dryRun: Bool = false) -> Recognizer.Options {
        Self.options(method: method, minFaces: minFaces, matchThreshold: matchThreshold, dryRun: dryRun)
    }

    static func options(method: Method, minFaces: Int, matchThreshold: Float = Recognizer.Options().matchThreshold,
                        dryRun: Bool = false) -> Recognizer.Options {
        var options = Recognizer.Options()
        options.clustering.method = method.clusteringMethod
        options.clustering.minClusterSize = minFaces
        options.matchThreshold = matchThreshold
        options.dryRun = dryRun
        return options
    }
}
