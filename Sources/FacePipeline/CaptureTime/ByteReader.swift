/// Bounds-checked big- or little-endian reads from a byte buffer: every read outside it is nil, so
/// a truncated or hostile file can only make a reader give up, never read past the end or crash.
struct ByteReader {
    let bytes: [UInt8]
    var bigEndian: Bool

    init(_ bytes: [UInt8], bigEndian: Bool = true) {
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    var count: Int { bytes.count }

    func u8(_ offset: Int) -> UInt8? {
        offset >= 0 && offset < bytes.count ? bytes[offset] : nil
    }

    func u16(_ offset: Int) -> UInt16? { unsigned(offset, width: 2).map { UInt16($0) } }
    func u32(_ offset: Int) -> UInt32? { unsigned(offset, width: 4).map { UInt32($0) } }
    func u64(_ offset: Int) -> UInt64? { unsigned(offset, width: 8) }

    /// `count` bytes from `offset`, or nil when they are not all there.
    func slice(_ offset: Int, _ count: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else { return nil }
        return bytes[offset ..< offset + count]
    }

    /// Whether the bytes at `offset` are exactly `ascii` (ASCII only: each character one byte).
    func matches(_ offset: Int, _ ascii: String) -> Bool { matches(offset, Array(ascii.utf8)) }

    func matches(_ offset: Int, _ expected: [UInt8]) -> Bool {
        guard let s = slice(offset, expected.count) else { return false }
        return s.elementsEqual(expected)
    }

    private func unsigned(_ offset: Int, width: Int) -> UInt64? {
        guard let s = slice(offset, width) else { return nil }
        return bigEndian ? s.reduce(0) { $0 << 8 | UInt64($1) } : s.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
