/// Low-level float kernels. They take raw pointers because they run billions of times and
/// must not pay for array bounds checks or copy-on-write checks.

@inline(__always)
func load16(_ p: UnsafePointer<Float>, _ offset: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD16<Float>.self)
}

/// Dot product of two `d`-long vectors.
@inline(__always)
/// The dot product of two vectors of equal length, with the SIMD kernel below.
public func dotProduct(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "vectors of different lengths")
    return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in dotProduct(a.baseAddress!, b.baseAddress!, a.count) } }
}

func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
    var i = 0
    // Two accumulators hide the FMA latency.
    while i + 32 <= d {
        acc0 = acc0.addingProduct(load16(a, i), load16(b, i))
        acc1 = acc1.addingProduct(load16(a, i + 16), load16(b, i + 16))
        i += 32
    }
    while i + 16 <= d {
        acc0 = acc0.addingProduct(load16(a, i), load16(b, i))
        i += 16
    }
    var s = (acc0 + acc1).sum()
    while i < d {
        s += a[i] * b[i]
        i += 1
    }
    return s
}

/// Computes the 4x4 block of dot products between rows q[0..3] and rows b[0..3] (each `d` long,
/// rows `d` apart, `d` a multiple of 16) and writes them to `out[r * ld + c]`.
/// Register blocking: each loaded vector is used four times, so the loop is FMA-bound rather
/// than load-bound.
@inline(__always)
func dot4x4(_ q: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int,
            _ out: UnsafeMutablePointer<Float>, _ ld: Int) {
    var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c02 = SIMD16<Float>(), c03 = SIMD16<Float>()
    var c10 = SIMD16<Float>(), c11 = SIMD16<Float>(), c12 = SIMD16<Float>(), c13 = SIMD16<Float>()
    var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c22 = SIMD16<Float>(), c23 = SIMD16<Float>()
    var c30 = SIMD16<Float>(), c31 = SIMD16<Float>(), c32 = SIMD16<Float>(), c33 = SIMD16<Float>()
    var o = 0
    while o < d {
        let b0 = load16(b, o), b1 = load16(b, d + o), b2 = load16(b, 2 * d + o), b3 = load16(b, 3 * d + o)
        let q0 = load16(q, o)
        c00 = c00.addingProduct(q0, b0); c01 = c01.addingProduct(q0, b1)
        c02 = c02.addingProduct(q0, b2); c03 = c03.addingProduct(q0, b3)
        let q1 = load16(q, d + o)
        c10 = c10.addingProduct(q1, b0); c11 = c11.addingProduct(q1, b1)
        c12 = c12.addingProduct(q1, b2); c13 = c13.addingProduct(q1, b3)
        let q2 = load16(q, 2 * d + o)
        c20 = c20.addingProduct(q2, b0); c21 = c21.addingProduct(q2, b1)
        c22 = c22.addingProduct(q2, b2); c23 = c23.addingProduct(q2, b3)
        let q3 = load16(q, 3 * d + o)
        c30 = c30.addingProduct(q3, b0); c31 = c31.addingProduct(q3, b1)
        c32 = c32.addingProduct(q3, b2); c33 = c33.addingProduct(q3, b3)
        o += 16
    }
    out[0] = c00.sum(); out[1] = c01.sum(); out[2] = c02.sum(); out[3] = c03.sum()
    out[ld] = c10.sum(); out[ld + 1] = c11.sum(); out[ld + 2] = c12.sum(); out[ld + 3] = c13.sum()
    out[2 * ld] = c20.sum(); out[2 * ld + 1] = c21.sum(); out[2 * ld + 2] = c22.sum(); out[2 * ld + 3] = c23.sum()
    out[3 * ld] = c30.sum(); out[3 * ld + 1] = c31.sum(); out[3 * ld + 2] = c32.sum(); out[3 * ld + 3] = c33.sum()
}

/// Fills `out` (rows x cols, leading dimension `ld`) with the dot products of `rows` query rows
/// starting at `q` and `cols` database rows starting at `b`.
func similarityTile(_ q: UnsafePointer<Float>, rows: Int, _ b: UnsafePointer<Float>, cols: Int,
                    dimension d: Int, _ out: UnsafeMutablePointer<Float>, ld: Int) {
    let fast = d % 16 == 0
    var r = 0
    while r < rows {
        var c = 0
        if fast && r + 4 <= rows {
            while c + 4 <= cols {
                dot4x4(q + r * d, b + c * d, d, out + r * ld + c, ld)
                c += 4
            }
            for rr in r ..< r + 4 {
                for cc in c ..< cols { out[rr * ld + cc] = dotProduct(q + rr * d, b + cc * d, d) }
            }
            r += 4
        } else {
            for cc in 0 ..< cols { out[r * ld + cc] = dotProduct(q + r * d, b + cc * d, d) }
            r += 1
        }
    }
}
