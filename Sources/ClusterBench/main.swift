import FaceClustering
import Foundation

// cluster-bench: evaluation on an embeddings file and scale benchmarks. Make the file once with
//   frs eval verification --labels ../shared/data/lfw/labels.csv --save-embeddings lfw-embeddings.tsv
// (the default path below); `scale` draws its synthetic faces around those embeddings, or around
// random centres when the file is not there.
//   ClusterBench lfw <file.tsv> [methods...]     quality table (labelled faces scored)
//   ClusterBench tune <file.tsv>                  small grid around docs/clustering.md's values
//   ClusterBench scale <n> [file.tsv]             default method on n synthetic faces: time, peak memory
//   ClusterBench knn <n>                          exact kNN speed and NN-descent recall
//   ClusterBench match <n> [queries]              1-vs-n search: exact scan and IVF-int8 times, recall

let args = CommandLine.arguments
guard args.count >= 2 else {
    print("usage: cluster-bench lfw|tune|scale|knn|match ... (see the comment at the top of Sources/ClusterBench/main.swift)")
    exit(2)
}
let lfwDefault = "lfw-embeddings.tsv"
switch args[1] {
case "lfw": try Bench.lfw(path: args.count > 2 ? args[2] : lfwDefault, only: Array(args.dropFirst(3)))
case "tune": try Bench.tune(path: args.count > 2 ? args[2] : lfwDefault)
case "scale": try Bench.scale(n: Int(args[2])!, basesPath: args.count > 3 ? args[3] : lfwDefault,
                              method: args.count > 4 ? args[4] : "default")
case "knn": Bench.knn(n: Int(args[2])!, trees: args.count > 3 ? Int(args[3])! : 16, leaf: args.count > 4 ? Int(args[4])! : 32)
case "match": Bench.match(n: Int(args[2])!, queries: args.count > 3 ? Int(args[3])! : 200)
default: print("unknown command \(args[1])"); exit(2)
}
