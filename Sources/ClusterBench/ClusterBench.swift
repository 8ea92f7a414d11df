import ArgumentParser
import FaceClustering
import Foundation

/// cluster-bench: evaluation on an embeddings file and scale benchmarks. Make the file once with
///   frs eval verification --labels ../shared/data/lfw/labels.csv --save-embeddings lfw-embeddings.tsv
/// (the default path); `scale` draws its synthetic faces around those embeddings, or around random
/// centres when the file is not there.
@main
struct ClusterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster-bench",
        abstract: "Clustering quality on an embeddings file, and time and memory at scale.",
        subcommands: [LFW.self, Tune.self, Scale.self, KNN.self, Match.self]
    )

    static let lfwDefault = "lfw-embeddings.tsv"
}

extension ClusterBench {
    struct LFW: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lfw", abstract: "Quality table of every method (the labelled faces are scored).")

        @Argument(help: "Embeddings file from `frs eval verification --save-embeddings`.") var file = ClusterBench.lfwDefault
        @Argument(help: "Only the methods whose names contain one of these.") var methods: [String] = []

        func run() throws { try Bench.lfw(path: file, only: methods) }
    }

    struct Tune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A small grid around the default parameters.")

        @Argument(help: "Embeddings file.") var file = ClusterBench.lfwDefault

        func run() throws { try Bench.tune(path: file) }
    }

    struct Scale: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One method on N synthetic faces: time and peak memory.")

        @Argument(help: "Number of faces.") var count: Int
        @Argument(help: "Embeddings file the synthetic faces are drawn around (random centres without it).") var file = ClusterBench.lfwDefault
        @Argument(help: "Method: default, cw, dbscan or umap.") var method = "default"

        func run() throws { try Bench.scale(n: count, basesPath: file, method: method) }
    }

    struct KNN: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "knn", abstract: "Exact nearest-neighbour speed and the approximate search's recall.")

        @Argument(help: "Number of faces.") var count: Int
        @Argument(help: "Random-projection trees.") var trees = 16
        @Argument(help: "Leaf size.") var leaf = 32

        func run() throws { Bench.knn(n: count, trees: trees, leaf: leaf) }
    }

    struct Match: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One-against-N search: exact scan and IVF-int8 times, recall.")

        @Argument(help: "Number of stored faces.") var count: Int
        @Argument(help: "Number of queries.") var queries = 200

        func run() throws { Bench.match(n: count, queries: queries) }
    }
}
