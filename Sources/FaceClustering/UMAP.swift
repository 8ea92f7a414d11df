import Foundation

/// UMAP (McInnes, Healy & Melville 2018) for cosine-similarity embeddings, following the
/// reference implementation (umap-learn) step by step:
///  1. k-NN graph (the point itself counts as the first neighbour, as in umap-learn);
///  2. smooth k-NN distances: per point rho (distance to nearest neighbour) and sigma found by
///     binary search so that sum_j exp(-(d_ij - rho_i)/sigma_i) = log2(k);
///  3. fuzzy set union symmetrisation: w = a + b - a*b;
///  4. layout initialised uniformly at random in [-10, 10]^d from a seeded generator (spectral
///     init needs an eigen-solver; random init is what umap-learn uses with init="random" and
///     is fully reproducible here);
///  5. SGD with negative sampling on the cross-entropy, curve 1/(1 + a d^(2b)) with a, b fitted
///     to min_dist/spread, learning rate decaying linearly, 5 negatives per positive sample.
/// Single-threaded SGD keeps the result deterministic for a seed.
public struct UMAPParameters: Sendable, Equatable {
    public var neighbors: Int = 15
    public var components: Int = 10
    public var minDist: Float = 0.0
    public var spread: Float = 1.0
    /// nil: 200 above 10,000 points, else 500 (umap-learn's rule).
    public var epochs: Int? = nil
    public var negativeSampleRate: Int = 5
    public var learningRate: Float = 1.0
    public var repulsionStrength: Float = 1.0
    public var seed: UInt64 = 42
    public init(neighbors: Int = 15, components: Int = 10, minDist: Float = 0.0, spread: Float = 1.0,
                epochs: Int? = nil, seed: UInt64 = 42) {
        self.neighbors = neighbors; self.components = components; self.minDist = minDist
        self.spread = spread; self.epochs = epochs; self.seed = seed
    }
}

public enum UMAP {
    /// Returns the layout, row-major n x components.
    public static func embed(_ m: EmbeddingMatrix, parameters p: UMAPParameters,
                             neighborSearch: NeighborSearch = .default) -> [Float] {
        let n = m.count
        if n == 0 { return [] }
        let graph = neighborSearch.graph(m, k: max(1, p.neighbors - 1), seed: p.seed)
        let edges = fuzzySimplicialSet(graph, neighbors: p.neighbors)
        return layout(n: n, edges: edges, parameters: p)
    }

    struct Edges { var head: [Int32]; var tail: [Int32]; var weight: [Float] }

    /// Steps 2-3. Distances are cosine distances 1 - s.
    static func fuzzySimplicialSet(_ g: NeighborGraph, neighbors: Int) -> Edges {
        let n = g.count, k = g.k
        let target = log2(Float(max(2, neighbors)))
        var directed: [Int: Float] = [:] // key i*n+j
        directed.reserveCapacity(n * k)
        let meanDistAll: Float = {
            var s: Float = 0, c = 0
            for v in g.similarities where v.isFinite { s += 1 - v; c += 1 }
            return c > 0 ? s / Float(c) : 0
        }()
        for i in 0 ..< n {
            var dists: [Float] = []
            for s in 0 ..< k where g.indices[i * k + s] >= 0 { dists.append(max(0, 1 - g.similarities[i * k + s])) }
            if dists.isEmpty { continue }
            let rho = dists.first { $0 > 0 } ?? 0
            var lo: Float = 0, hi = Float.infinity, mid: Float = 1
            for _ in 0 ..< 64 {
                var psum: Float = 0
                for dd in dists { let d = dd - rho; psum += d > 0 ? exp(-d / mid) : 1 }
                if abs(psum - target) < 1e-5 { break }
                if psum > target { hi = mid; mid = (lo + hi) / 2 } else {
                    lo = mid; mid = hi.isInfinite ? mid * 2 : (lo + hi) / 2
                }
            }
            // umap-learn's floor keeps sigma from collapsing in very dense neighbourhoods.
            let meanDist = dists.reduce(0, +) / Float(dists.count)
            let sigma = max(mid, 1e-3 * (rho > 0 ? meanDist : meanDistAll))
            for s in 0 ..< dists.count {
                let j = Int(g.indices[i * k + s])
                let w = dists[s] - rho <= 0 ? 1 : exp(-(dists[s] - rho) / sigma)
                directed[i * n + j] = w
            }
        }
        // Union: w = a + b - ab over both directions.
        var head: [Int32] = [], tail: [Int32] = [], weight: [Float] = []
        let keys = directed.keys.sorted()
        for key in keys {
            let i = key / n, j = key % n
            let a = directed[key]!, b = directed[j * n + i] ?? 0
            let w = a + b - a * b
            head.append(Int32(i)); tail.append(Int32(j)); weight.append(w)
            if directed[j * n + i] == nil {
                head.append(Int32(j)); tail.append(Int32(i)); weight.append(w)
            }
        }
        return Edges(head: head, tail: tail, weight: weight)
    }

    /// Fits 1/(1 + a x^(2b)) to the min_dist/spread target curve by Gauss-Newton with
    /// Levenberg damping (what umap-learn does with scipy's curve_fit).
    public static func fitAB(minDist: Float, spread: Float) -> (a: Float, b: Float) {
        let xs = (0 ..< 300).map { Double($0) * Double(spread) * 3 / 299 }
        let ys = xs.map { $0 < Double(minDist) ? 1.0 : exp(-($0 - Double(minDist)) / Double(spread)) }
        var a = 1.8, b = 0.8, lambda = 1e-3
        func loss(_ a: Double, _ b: Double) -> Double {
            zip(xs, ys).reduce(0) { acc, p in
                let f = 1 / (1 + a * pow(p.0, 2 * b)); return acc + (f - p.1) * (f - p.1)
            }
        }
        var current = loss(a, b)
        for _ in 0 ..< 200 {
            var jtj = [0.0, 0.0, 0.0], jtr = [0.0, 0.0]
            for (x, y) in zip(xs, ys) where x > 0 {
                let xp = pow(x, 2 * b), den = 1 + a * xp, f = 1 / den
                let da = -xp / (den * den), db = -a * xp * 2 * log(x) / (den * den)
                let r = f - y
                jtj[0] += da * da; jtj[1] += da * db; jtj[2] += db * db
                jtr[0] += da * r; jtr[1] += db * r
            }
            let m00 = jtj[0] * (1 + lambda), m11 = jtj[2] * (1 + lambda), m01 = jtj[1]
            let det = m00 * m11 - m01 * m01
            if det == 0 { break }
            let sa = -(m11 * jtr[0] - m01 * jtr[1]) / det, sb = -(m00 * jtr[1] - m01 * jtr[0]) / det
            let trial = loss(a + sa, b + sb)
            if trial < current {
                a += sa; b += sb; lambda *= 0.3
                if current - trial < 1e-12 { current = trial; break }
                current = trial
            } else { lambda *= 10 }
        }
        return (Float(a), Float(b))
    }

    static func layout(n: Int, edges e: Edges, parameters p: UMAPParameters) -> [Float] {
        let dim = p.components
        let epochs = p.epochs ?? (n > 10_000 ? 200 : 500)
        var rng = SeededRandom(seed: p.seed)
        var y = (0 ..< n * dim).map { _ in rng.nextFloat() * 20 - 10 }
        let (a, b) = fitAB(minDist: p.minDist, spread: p.spread)
        guard let maxW = e.weight.max(), maxW > 0 else { return y }
        // Edges too weak to be sampled even once in the run are dropped, as in umap-learn.
        var head: [Int] = [], tail: [Int] = [], eps: [Float] = []
        for (idx, w) in e.weight.enumerated() where w >= maxW / Float(epochs) {
            head.append(Int(e.head[idx])); tail.append(Int(e.tail[idx])); eps.append(maxW / w)
        }
        let negRate = Float(p.negativeSampleRate)
        var nextSample = eps
        let epsNeg = eps.map { $0 / negRate }
        var nextNeg = epsNeg
        let gamma = p.repulsionStrength
        var cur = [Float](repeating: 0, count: dim)
        y.withUnsafeMutableBufferPointer { yb in
            let y = yb.baseAddress!
            for epoch in 0 ..< epochs {
                let alpha = p.learningRate * (1 - Float(epoch) / Float(epochs))
                let ep = Float(epoch)
                for i in 0 ..< head.count where nextSample[i] <= ep {
                    let j = head[i], k = tail[i]
                    let cj = y + j * dim, ck = y + k * dim
                    var d2: Float = 0
                    for t in 0 ..< dim { cur[t] = cj[t] - ck[t]; d2 += cur[t] * cur[t] }
                    if d2 > 0 {
                        let coef = -2 * a * b * pow(d2, b - 1) / (a * pow(d2, b) + 1)
                        for t in 0 ..< dim {
                            let g = clip(coef * cur[t]) * alpha
                            cj[t] += g; ck[t] -= g
                        }
                    }
                    nextSample[i] += eps[i]
                    let nNeg = Int((ep - nextNeg[i]) / epsNeg[i])
                    for _ in 0 ..< max(0, nNeg) {
                        let kk = rng.nextInt(n)
                        if kk == j { continue }
                        let cn = y + kk * dim
                        var dn: Float = 0
                        for t in 0 ..< dim { cur[t] = cj[t] - cn[t]; dn += cur[t] * cur[t] }
                        if dn > 0 {
                            let coef = 2 * gamma * b / ((0.001 + dn) * (a * pow(dn, b) + 1))
                            for t in 0 ..< dim { cj[t] += clip(coef * cur[t]) * alpha }
                        } else {
                            for t in 0 ..< dim { cj[t] += 4 * alpha }
                        }
                    }
                    nextNeg[i] += Float(max(0, nNeg)) * epsNeg[i]
                }
            }
        }
        return y
    }

    @inline(__always) static func clip(_ v: Float) -> Float { min(4, max(-4, v)) }
}
