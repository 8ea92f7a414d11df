import FaceClustering
import Foundation

/// One labelled collection for evaluation: faces, photo groups, truth and which faces count.
struct Dataset {
    var embeddings: EmbeddingMatrix
    var groups: [Int]
    var identities: [Int]
    var scored: [Bool]
    var qualities: [Float]
    var identityNames: [String] = []
}

enum LFWFile {
    /// Reads `photo_path<TAB>identity<TAB>is_labelled<TAB>quality<TAB>512 comma-separated floats`.
    /// Faces of one photo share a group; background faces (is_labelled 0) get their own
    /// identity so that they never count as matches (they are not scored anyway).
    static func load(_ path: String) throws -> Dataset {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var photoIds: [String: Int] = [:], identityIds: [String: Int] = [:]
        var storage: [Float] = [], groups: [Int] = [], ids: [Int] = [], scored: [Bool] = [], quality: [Float] = []
        var dim = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 5 else { continue }
            let values = f[4].split(separator: ",").compactMap { Float($0) }
            if dim == 0 { dim = values.count }
            guard values.count == dim else { continue }
            let photo = String(f[0])
            let labelled = f[2] == "1"
            let identity = labelled ? String(f[1]) : "background:\(photo):\(groups.count)"
            groups.append(photoIds[photo, default: photoIds.count]); photoIds[photo] = groups.last!
            ids.append(identityIds[identity, default: identityIds.count]); identityIds[identity] = ids.last!
            scored.append(labelled)
            quality.append(Float(f[3]) ?? 0)
            storage.append(contentsOf: values)
        }
        var m = EmbeddingMatrix(count: groups.count, dimension: max(dim, 1), storage: storage)
        m.normalizeRows() // already unit length per the file format; cheap insurance
        return Dataset(embeddings: m, groups: groups, identities: ids, scored: scored, qualities: quality)
    }
}

enum Synthetic {
    /// Faces drawn around real embeddings (or random directions when `bases` is nil):
    /// each identity centre is a base direction perturbed so that cos(base, centre) ~ 0.6, and
    /// each face is the centre perturbed so that two faces of one identity have cos ~ 0.7
    /// (FaceNet's genuine mean on LFW). Identity sizes are 1-13 faces (mean 7). About 20 % of
    /// faces share a photo with a face of another identity (exercises cannot-link).
    static func make(count n: Int, bases: EmbeddingMatrix?, dimension: Int = 512, seed: UInt64 = 1) -> Dataset {
        var rng = SeededRandom(seed: seed)
        let d = bases?.dimension ?? dimension
        let tau: Float = 0.059, sigma: Float = 0.0296
        var storage = [Float](); storage.reserveCapacity(n * d)
        var ids: [Int] = []
        var identity = 0
        var centre = [Float](repeating: 0, count: d)
        while ids.count < n {
            let size = min(n - ids.count, 1 + rng.nextInt(13))
            if let b = bases {
                let r = rng.nextInt(b.count)
                for (j, v) in b.row(r).enumerated() { centre[j] = v + tau * rng.nextGaussian() }
            } else {
                for j in 0 ..< d { centre[j] = rng.nextGaussian() }
            }
            normalize(&centre)
            for _ in 0 ..< size {
                // Per-face noise level (0.6x-1.5x) spreads genuine similarities like real
                // photos do (sharp vs blurred), instead of one tight shell per identity.
                let s = sigma * (0.6 + 0.9 * rng.nextFloat())
                var face = centre.map { $0 + s * rng.nextGaussian() }
                normalize(&face)
                storage.append(contentsOf: face)
                ids.append(identity)
            }
            identity += 1
        }
        var groups = Array(0 ..< n)
        for i in 0 ..< n where rng.nextFloat() < 0.1 {
            let j = rng.nextInt(n)
            if ids[j] != ids[i] && groups[j] == j && groups[i] == i { groups[j] = i }
        }
        return Dataset(embeddings: EmbeddingMatrix(count: n, dimension: d, storage: storage), groups: groups,
                       identities: ids, scored: .init(repeating: true, count: n),
                       qualities: .init(repeating: 20, count: n))
    }

    static func normalize(_ v: inout [Float]) {
        let s = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if s > 0 { for j in v.indices { v[j] /= s } }
    }
}

enum Process {
    /// Peak resident memory of this process in MiB (VmHWM).
    static func peakMemoryMiB() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
            return kb / 1024
        }
        return .nan
    }

    /// User + system CPU seconds of this process so far (robust to other load on the machine).
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let r = try body()
        return (r, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
}
