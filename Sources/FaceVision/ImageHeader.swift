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
}
