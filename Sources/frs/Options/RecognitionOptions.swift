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

    @OptionGroup var quality: QualityOptions

    func validate() throws {
        guard minFaces >= 1 else { throw ValidationError("--min-faces must be at least 1") }
        guard (0...1).contains(matchThreshold) else { throw ValidationError("--match-threshold must be between 0 and 1") }
    }

    /// `settings` says which embeddings are compared (`embedding_flip`).
    func options(settings: Settings, dryRun: Bool = false) -> Recognizer.Options {
        Self.options(method: method, minFaces: minFaces, matchThreshold: matchThreshold, quality: quality, settings: settings, dryRun: dryRun)
    }

    static func options(method: Method, minFaces: Int, matchThreshold: Float = Recognizer.Options().matchThreshold,
                        quality: QualityOptions? = nil, settings: Settings, dryRun: Bool = false) -> Recognizer.Options {
        var options = Recognizer.Options()
        options.embeddingModel = settings.embeddingModel
        if let quality {
            options.gate = quality.gate
            options.clustering.coherence = quality.coherence
            options.clustering.blur = quality.blur
        }
        options.clustering.method = method.clusteringMethod
        options.clustering.minClusterSize = minFaces
        options.matchThreshold = matchThreshold
        options.dryRun = dryRun
        return options
    }
}

/// Which faces the machine may make persons of, and what a new person must look like.
struct QualityOptions: ParsableArguments {
    @Option(help: "Faces smaller than this many pixels are never matched or clustered (assign them by hand).")
    var minFaceSize: Float = QualityGate.default.minSize

    @Option(help: "Faces the detector scored below this are never matched or clustered.")
    var minDetectorScore: Float = QualityGate.default.minDetectorScore

    @Option(help: "Faces whose embedding norm (FaceNet's quality signal: low when blurred) is below this are never matched or clustered.")
    var minFaceNorm: Float = QualityGate.default.minNorm

    @Option(help: "Faces turned further away than this (1 frontal, 0 nose in line with an eye) are never matched or clustered.")
    var minFrontality: Float = QualityGate.default.minFrontality

    @Option(help: "Faces whose crop lies more than this share outside the photo (cut by its edge) do not count towards making a new person.")
    var maxFrameCut: Float = QualityGate.default.maxFrameCut

    @Option(help: "A new person's faces must each be at least this similar to the person's centre.")
    var minMemberSimilarity: Float = CoherenceRule.default.minMemberSimilarity

    @Option(help: "...and at least this similar on average, or the group is not made a person.")
    var minMeanSimilarity: Float = CoherenceRule.default.minMeanSimilarity

    @Option(help: "...and a new person of the smallest size (--min-faces) must have every two of its faces at least this similar.")
    var minPairSimilarity: Float = CoherenceRule.default.minPairSimilarityAtMinimumSize

    @Option(help: "A new person whose centre is more similar than this to where the library's blurred faces collapse is not made (it is blur; above 1: off).")
    var maxBlurSimilarity: Float = BlurRule.default.maxCentreSimilarity

    var blur: BlurRule {
        var rule = BlurRule.default
        rule.maxCentreSimilarity = maxBlurSimilarity
        return rule
    }

    var coherence: CoherenceRule {
        CoherenceRule(minMemberSimilarity: minMemberSimilarity, minMeanSimilarity: minMeanSimilarity,
                      minPairSimilarityAtMinimumSize: minPairSimilarity)
    }

    var gate: QualityGate {
        QualityGate(minSize: minFaceSize, minDetectorScore: minDetectorScore, minNorm: minFaceNorm, minFrontality: minFrontality,
                    maxFrameCut: maxFrameCut)
    }

}
