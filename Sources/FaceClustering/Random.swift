/// SplitMix64: tiny, fast, and fully specified, so results are reproducible across platforms
/// and Swift versions (SystemRandomNumberGenerator is not seedable).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }
    public mutating func nextDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
    /// Uniform integer in 0..<n without modulo bias worth caring about (n is far below 2^32).
    public mutating func nextInt(_ n: Int) -> Int { Int(((next() >> 32) &* UInt64(n)) >> 32) }

    /// Standard normal (Box-Muller).
    public mutating func nextGaussian() -> Float {
        var u = nextDouble()
        if u < 1e-300 { u = 1e-300 }
        let v = nextDouble()
        return Float((-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v))
    }
}

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
