import FaceClustering
import Foundation

// ClusterBench: evaluation on the LFW embeddings file and scale benchmarks.
//   ClusterBench lfw <file.tsv> [methods...]     quality table (labelled faces scored)
//   ClusterBench tune <file.tsv>                  small grid around docs/clustering.md's values
//   ClusterBench scale <n> [file.tsv]             default method on n synthetic faces: time, peak memory
//   ClusterBench knn <n>                          exact kNN speed and NN-descent recall
//   ClusterBench match <n> [queries]              1-vs-n search: exact scan and IVF-int8 times, recall

let args = CommandLine.arguments
guard args.count >= 2 else {
    print("usage: ClusterBench lfw|tune|scale|knn|match ...")
    exit(2)
}
let lfwDefault = "/work/dev/lfw-embeddings.tsv"
switch args[1] {
case "lfw": try Bench.lfw(path: args.count > 2 ? args[2] : lfwDefault, only: Array(args.dropFirst(3)))
case "tune": try Bench.tune(path: args.count > 2 ? args[2] : lfwDefault)
case "scale": try Bench.scale(n: Int(args[2])!, basesPath: args.count > 3 ? args[3] : lfwDefault,
                              method: args.count > 4 ? args[4] : "default")
case "knn": Bench.knn(n: Int(args[2])!, trees: args.count > 3 ? Int(args[3])! : 16, leaf: args.count > 4 ? Int(args[4])! : 32)
case "match": Bench.match(n: Int(args[2])!, queries: args.count > 3 ? Int(args[3])! : 200)
default: print("unknown command \(args[1])"); exit(2)
}
