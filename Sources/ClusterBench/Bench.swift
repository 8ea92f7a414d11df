import FaceClustering
import Foundation

enum Bench {
    static let methods: [(String, ClusteringMethod)] = [
        ("default (rank-order)", .default),
        ("cohort CW (label-free cohort)", .cohortChineseWhispers(.init())),
        ("CW without cohort", .cohortChineseWhispers(.init(threshold: 0.60, cohort: nil))),
        ("UMAP+DBSCAN (doc tuned)", .umapDBSCAN(.init(components: 10, minDist: 0.0), .init(eps: 0.08, minSamples: 3))),
        ("UMAP+DBSCAN (original)", .originalSystem),
        ("DBSCAN (original)", .dbscan(.init(eps: 0.35, minSamples: 3))),
        ("DBSCAN (tuned)", .dbscan(.init(eps: 0.33, minSamples: 1))),
    ]

    static func evaluate(_ data: Dataset, _ method: ClusteringMethod, minSize: Int = 3, minQuality: Float? = nil,
                         groups: Bool = true) -> (ClusteringScores, Double) {
        let faces = FaceCollection(embeddings: data.embeddings, groupIds: groups ? data.groups : nil,
                                   qualities: data.qualities)
        let clusterer = FaceClusterer(options: .init(method: method, minClusterSize: minSize, minQuality: minQuality))
        let (result, t) = Process.time { clusterer.cluster(faces) }
        return (ClusteringMetrics.evaluate(predicted: result.labels, truth: data.identities, scored: data.scored), t)
    }

    static func lfw(path: String, only: [String]) throws {
        let data = try LFWFile.load(path)
        let labelled = data.scored.filter { $0 }.count
        print("LFW file: \(data.embeddings.count) faces, \(labelled) labelled, \(Set(data.groups).count) photos")
        print("| method | BCubed F | pairwise F | BCubed P/R | clusters | unassigned | time |")
        print("|---|---|---|---|---|---|---|")
        for (name, m) in methods where only.isEmpty || only.contains(where: { name.contains($0) }) {
            let (s, t) = evaluate(data, m)
            print(String(format: "| %@ | %.3f | %.3f | %.3f/%.3f | %d | %.1f %% | %.2f s |", name, s.bcubedF, s.pairwiseF,
                         s.bcubedPrecision, s.bcubedRecall, s.clusterCount, s.unassignedShare * 100, t))
        }
        // Variants of the default: without the photo constraint, with the quality filter.
        let (a, _) = evaluate(data, .default, groups: false)
        print(String(format: "default without cannot-link: BCubed F %.3f pairwise F %.3f", a.bcubedF, a.pairwiseF))
        let (b, _) = evaluate(data, .default, minQuality: 17)
        print(String(format: "default with quality >= 17: BCubed F %.3f pairwise F %.3f unassigned %.1f %%",
                     b.bcubedF, b.pairwiseF, b.unassignedShare * 100))
    }

    static func tune(path: String) throws {
        let data = try LFWFile.load(path)
        print("cohort CW: neighbors, threshold, alpha, sample -> BCubed F / pairwise F")
        for k in [10] {
            for th in stride(from: Float(0.56), through: 0.62, by: 0.02) {
                for alpha in [Float(0.5), 1.0] {
                    let m = ClusteringMethod.cohortChineseWhispers(.init(neighbors: k, threshold: th,
                                                                         cohort: .init(k: 3, alpha: alpha)))
                    let (s, _) = evaluate(data, m)
                    print(String(format: "CW k %d th %.2f alpha %.1f: %.4f / %.4f", k, th, alpha, s.bcubedF, s.pairwiseF))
                }
            }
        }
        // Diagnostic: the cohort docs/clustering.md used (the one-photo identities, known from
        // labels), to separate the method from the label-free cohort a product must use.
        var photosPer: [Int: Int] = [:]
        for i in data.identities.indices where data.scored[i] { photosPer[data.identities[i], default: 0] += 1 }
        let onePhoto = data.identities.indices.filter { data.scored[$0] && photosPer[data.identities[$0]] == 1 }
        let oracle = data.embeddings.subset(onePhoto)
        for th in [Float(0.56), 0.58, 0.60] {
            let m = ClusteringMethod.cohortChineseWhispers(.init(threshold: th, cohort: .init(likelySameAbove: 0.99, external: oracle)))
            let (s, _) = evaluate(data, m)
            print(String(format: "CW with the doc's cohort (%d one-photo faces) th %.2f: %.4f / %.4f", onePhoto.count, th, s.bcubedF, s.pairwiseF))
        }
        for sample in [300, 1000, 3000] {
            for likely in [Float(0.4), 0.5, 1.01] {
                let m = ClusteringMethod.cohortChineseWhispers(.init(cohort: .init(sampleSize: sample, likelySameAbove: likely)))
                let (s, _) = evaluate(data, m)
                print(String(format: "CW cohort sample %d likelySame %.2f: %.4f / %.4f", sample, likely, s.bcubedF, s.pairwiseF))
            }
        }
        print("rank-order: neighbors, maxDistance, minSimilarity")
        for k in [14, 15] {
            for dmax in [Float(0.25), 0.5, 1.0, 1.5] {
                for smin in [Float(0.5), 0.525, 0.55] {
                    let (s, _) = evaluate(data, .rankOrder(.init(neighbors: k, maxDistance: dmax, minSimilarity: smin)))
                    print(String(format: "RO k %d D< %.2f s> %.3f: %.4f / %.4f", k, dmax, smin, s.bcubedF, s.pairwiseF))
                }
            }
        }
        guard ProcessInfo.processInfo.environment["TUNE_UMAP"] == "1" else { return }
        print("UMAP+DBSCAN: minDist, eps")
        for md in [Float(0.0), 0.1] {
            for eps in [Float(0.08), 0.15, 0.35] {
                let (s, t) = evaluate(data, .umapDBSCAN(.init(components: 10, minDist: md), .init(eps: eps, minSamples: 3)))
                print(String(format: "UMAP md %.1f eps %.2f: %.4f / %.4f (%.1f s)", md, eps, s.bcubedF, s.pairwiseF, t))
            }
        }
    }

    static func scale(n: Int, basesPath: String, method: String) throws {
        let bases: EmbeddingMatrix? = FileManager.default.fileExists(atPath: basesPath)
            ? try LFWFile.load(basesPath).embeddings : nil
        let data = Synthetic.make(count: n, bases: bases)
        let before = Process.peakMemoryMiB()
        let m: ClusteringMethod = switch method {
        case "cw": .cohortChineseWhispers(.init())
        case "dbscan": .dbscan(.init())
        case "umap": .originalSystem
        default: .default
        }
        let cpu0 = Process.cpuSeconds()
        let (s, t) = evaluate(data, m)
        let cpu = Process.cpuSeconds() - cpu0
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print(String(format: "scale n %d (%@ bases) %@: %.1f s wall, %.1f s CPU, load avg %@, peak %.0f MiB (data alone %.0f MiB); BCubed F %.3f pairwise F %.3f unassigned %.1f %%",
                     n, bases == nil ? "random" : "LFW", method, t, cpu, String(load), Process.peakMemoryMiB(), before,
                     s.bcubedF, s.pairwiseF, s.unassignedShare * 100))
    }

    static func knn(n: Int, trees: Int = 16, leaf: Int = 32) {
        let data = Synthetic.make(count: n, bases: try? LFWFile.load(ClusterBench.lfwDefault).embeddings)
        let m = data.embeddings
        // Exact reference on a sample of rows above 20k (the full n^2 search takes minutes).
        let sample = n <= 20_000 ? Array(0 ..< n) : (0 ..< 1000).map { $0 * (n / 1000) }
        let (exact, te) = Process.time { ExactNeighbors.search(queries: m.subset(sample), database: m, k: 11) }
        let scale = Double(n) / Double(sample.count)
        print(String(format: "exact kNN n %d k 10: %.2f s%@ (%.0f GFLOP/s)", n, te * scale,
                     sample.count < n ? " (extrapolated from 1000 rows)" : "",
                     2.0 * Double(sample.count) * Double(n) * Double(m.dimension) / te / 1e9))
        let (approx, ta) = Process.time { NNDescent.graph(m, parameters: .init(k: 10, trees: trees, leafSize: leaf)) }
        var hit = 0, strong = 0, strongHit = 0
        for (r, i) in sample.enumerated() {
            let a = Set(approx.neighbors(of: i))
            let truth = zip(exact.neighbors(of: r), exact.neighborSimilarities(of: r)).filter { Int($0.0) != i }.prefix(10)
            for (j, s) in truth {
                let found = a.contains(j)
                if found { hit += 1 }
                if s > 0.4 { strong += 1; if found { strongHit += 1 } }
            }
        }
        print(String(format: "NN-descent n %d k 10 (trees %d leaf %d): %.2f s, recall %.4f, recall of neighbours with similarity > 0.4: %.4f",
                     n, trees, leaf, ta, Double(hit) / Double(sample.count * 10), Double(strongHit) / Double(max(1, strong))))
    }

    static func match(n: Int, queries: Int) {
        // Stored faces: synthetic identities; queries: fresh faces of stored identities.
        let data = Synthetic.make(count: n + queries, bases: nil, seed: 3)
        var rng = SeededRandom(seed: 9)
        var qidx = Set<Int>()
        while qidx.count < queries { qidx.insert(rng.nextInt(n + queries)) }
        let stored = (0 ..< n + queries).filter { !qidx.contains($0) }
        let vectors = data.embeddings.subset(stored)
        let labels = stored.map { data.identities[$0] }
        let qs = qidx.sorted().map { Array(data.embeddings.row($0)) }
        print(String(format: "match: %d stored x 512 (%.0f MiB float32), %d queries", n, Double(n * 512 * 4) / 1048576, queries))
        let (index, tb) = Process.time { FaceMatchIndex(vectors: vectors, labels: labels) }
        print(String(format: "IVF build (%d faces): %.1f s", n, tb))
        var exact: [[FaceMatchIndex.Match]] = []
        let (_, tx) = Process.time { for q in qs.prefix(50) { exact.append(index.exactMatches(q)) } }
        print(String(format: "exact float32 scan: %.2f ms/query", tx / Double(min(50, qs.count)) * 1000))
        for probes in [8, 16, 32, 64] {
            var agree = 0
            var approx: [[FaceMatchIndex.Match]] = []
            let (_, ta) = Process.time { for q in qs { approx.append(index.matches(q, probes: probes)) } }
            for (e, a) in zip(exact, approx) where e.first?.label == a.first?.label { agree += 1 }
            print(String(format: "IVF-int8 probes %d: %.3f ms/query, top-1 label agrees with exact %d/%d",
                         probes, ta / Double(qs.count) * 1000, agree, exact.count))
        }
        print(String(format: "peak memory %.0f MiB", Process.peakMemoryMiB()))
    }
}
