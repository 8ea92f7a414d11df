import Foundation

/// Reads an image's dimensions from its header without decoding it, so that absurd sizes are refused
/// with a clear message before any pixel memory is taken. Formats it does not know return nil and
/// are left to the decoder (which has its own limit).
enum ImageHeader {
    static func dimensions(of bytes: UnsafeRawBufferPointer) -> (width: Int, height: Int)? {
        func byte(_ i: Int) -> Int { Int(bytes[i]) }
        func be16(_ i: Int) -> Int { byte(i) << 8 | byte(i + 1) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= 24, bytes.prefix(8).elementsEqual(pngSignature) {
            return (be32(16), be32(20))
        }
        if bytes.count >= 26, byte(0) == 0x42, byte(1) == 0x4D {
            // BMP: signed little-endian width and height (negative height: rows stored top-down).
            func le32(_ i: Int) -> Int { Int(Int32(bitPattern: UInt32(byte(i)) | UInt32(byte(i + 1)) << 8 | UInt32(byte(i + 2)) << 16 | UInt32(byte(i + 3)) << 24)) }
            return (abs(le32(18)), abs(le32(22)))
        }
        if bytes.count >= 4, byte(0) == 0xFF, byte(1) == 0xD8 {
            // Walk the JPEG markers up to the first start-of-frame.
            var i = 2
            while i + 9 < bytes.count {
                guard byte(i) == 0xFF else { return nil }
                let marker = byte(i + 1)
                if marker == 0xFF { i += 1; continue }
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return (be16(i + 7), be16(i + 5))
                }
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) { i += 2; continue }
                i += 2 + be16(i + 2)
            }
        }
        return nil
    }

    /// True for a JPEG whose entropy-coded data ends before the end-of-image marker. The decoder
    /// would fill the missing rows with grey and call it a success; a cut-off photo is an error.
    /// Only the part after the first start-of-scan is searched: a thumbnail in the EXIF block has
    /// an end marker of its own, while inside scan data 0xFF is always followed by 0x00, a restart
    /// marker, or another marker.
    static func isTruncatedJPEG(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return false }
        var i = 2
        // Walk the header segments up to the first start-of-scan.
        while i + 3 < bytes.count {
            guard bytes[i] == 0xFF else { return false }  // not a marker: let the decoder judge
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xDA { break }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            i += 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
        }
        guard i + 3 < bytes.count else { return true }
        var j = i + 2
        while j + 1 < bytes.count {
            if bytes[j] == 0xFF && bytes[j + 1] == 0xD9 { return false }
            j += 1
        }
        return true
    }
}

extension Image {
    /// Width and height from a PNG or JPEG file's header, without decoding; nil for other formats
    /// or unreadable files. (EXIF rotation is not applied.)
    public static func dimensions(ofFileAt url: URL) -> (width: Int, height: Int)? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 256 * 1024) else { return nil }
        return head.withUnsafeBytes { ImageHeader.dimensions(of: $0) }
    }
}
