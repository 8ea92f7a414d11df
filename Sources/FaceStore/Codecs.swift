import Foundation

/// Float vectors are stored as little-endian IEEE-754 float32 bytes (embeddings, landmarks), so
/// any platform, backend or tool reads the same bits back.
enum FloatCodec {
    static func encode(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// nil when the byte count is not a multiple of 4.
    static func decode(_ data: Data) -> [Float]? {
        guard data.count % 4 == 0 else { return nil }
        var values = [Float](repeating: 0, count: data.count / 4)
        data.withUnsafeBytes { raw in
            for i in values.indices {
                let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                values[i] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return values
    }

    /// L2 norm, the default face quality; nil when not finite (SQLite cannot store NaN).
    static func norm(_ values: [Float]) -> Double? {
        let norm = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return norm.isFinite ? norm : nil
    }
}

/// Errors get cut to this many characters before they are stored.
let maxStoredErrorLength = 2000

func clipped(_ text: String) -> String {
    text.count <= maxStoredErrorLength ? text : String(text.prefix(maxStoredErrorLength))
}
