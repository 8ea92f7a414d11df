import FaceStore

/// When a photo was taken, from its EXIF block: JPEG (APP1 "Exif"), PNG (`eXIf` chunk), WebP (`EXIF`
/// chunk) or a TIFF file itself. OpenCV does not expose EXIF tags, so this reads the few it needs.
///
/// It reads `DateTimeOriginal` (0x9003, the moment the shutter was pressed) from the Exif sub-IFD,
/// with `OffsetTimeOriginal` (0x9011, e.g. "+02:00") when the camera wrote it. It does not fall back
/// to IFD0's `DateTime` (0x0132): that is when the file was last changed, which editors and scanners
/// set to the day of the edit or the scan, so it would date an old photo to years after it was taken.
/// Bounded: only the bytes it is given (the caller passes at most `maxBytes` from the file's start),
/// at most `maxEntries` per directory, every offset checked against the buffer.
enum ExifReader {
    /// EXIF sits at the start of a file (a JPEG's APP1 can hold at most 64 KB); 256 KB leaves room
    /// for a large ICC profile or XMP segment in front of it.
    static let maxBytes = 256 * 1024
    static let maxEntries = 512

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let exifPointerTag: UInt16 = 0x8769
    static let dateTimeOriginalTag: UInt16 = 0x9003
    static let offsetTimeOriginalTag: UInt16 = 0x9011

    /// The capture time in the first bytes of a photo file; nil when there is none or it cannot be read.
    static func captureTime(fileHead: [UInt8]) -> CaptureTime? {
        let head = fileHead.count > maxBytes ? Array(fileHead.prefix(maxBytes)) : fileHead
        guard let tiff = tiffBlock(head) else { return nil }
        return captureTime(tiff: tiff)
    }

    /// The TIFF structure that holds the EXIF tags, wherever the container keeps it.
    static func tiffBlock(_ head: [UInt8]) -> [UInt8]? {
        let r = ByteReader(head)
        if r.u8(0) == 0xFF, r.u8(1) == 0xD8 { return jpegExif(r) }
        if r.matches(0, pngSignature) { return pngExif(r) }
        if r.matches(0, "RIFF"), r.matches(8, "WEBP") { return webpExif(r) }
        if r.matches(0, "II*\u{0}") || r.matches(0, "MM\u{0}*") { return head }
        return nil
    }

    /// JPEG: markers up to the start of the scan; the APP1 segment that begins "Exif\0\0".
    private static func jpegExif(_ r: ByteReader) -> [UInt8]? {
        var pos = 2
        while pos + 4 <= r.count {
            guard r.u8(pos) == 0xFF, let marker = r.u8(pos + 1) else { return nil }
            if marker == 0xFF { pos += 1; continue }  // fill byte
            if marker == 0xD9 || marker == 0xDA { return nil }  // end of image, start of scan: no EXIF before
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { pos += 2; continue }  // no length
            guard let length = r.u16(pos + 2), length >= 2 else { return nil }
            let payload = pos + 4, payloadLength = Int(length) - 2
            if marker == 0xE1, r.matches(payload, "Exif\u{0}\u{0}"), payloadLength > 6 {
                // A segment cut off by the buffer still yields what it holds.
                let available = min(payloadLength - 6, r.count - payload - 6)
                return r.slice(payload + 6, max(0, available)).map(Array.init)
            }
            pos = payload + payloadLength
        }
        return nil
    }

    /// PNG: chunks (length, type, data, CRC) until `IEND`; `eXIf` holds a bare TIFF block.
    private static func pngExif(_ r: ByteReader) -> [UInt8]? {
        var pos = 8
        while let length = r.u32(pos), pos + 12 <= r.count {
            let data = pos + 8
            if r.matches(pos + 4, "eXIf") { return r.slice(data, min(Int(length), r.count - data)).map(Array.init) }
            if r.matches(pos + 4, "IEND") { return nil }
            let next = data + Int(length) + 4
            guard next > pos else { return nil }
            pos = next
        }
        return nil
    }

    /// WebP: RIFF chunks (four-character code, little-endian size, data padded to even); `EXIF` holds
    /// a TIFF block, which some writers prefix with "Exif\0\0".
    private static func webpExif(_ r: ByteReader) -> [UInt8]? {
        let le = ByteReader(r.bytes, bigEndian: false)
        var pos = 12
        while let size = le.u32(pos + 4), pos + 8 <= r.count {
            let data = pos + 8
            if r.matches(pos, "EXIF") {
                let start = r.matches(data, "Exif\u{0}\u{0}") ? data + 6 : data
                let end = min(data + Int(size), r.count)
                return end > start ? r.slice(start, end - start).map(Array.init) : nil
            }
            pos = data + Int(size) + Int(size & 1)
        }
        return nil
    }

    /// IFD0 -> Exif sub-IFD -> DateTimeOriginal (+ OffsetTimeOriginal).
    static func captureTime(tiff: [UInt8]) -> CaptureTime? {
        var r = ByteReader(tiff)
        if r.matches(0, "II") { r.bigEndian = false } else if !r.matches(0, "MM") { return nil }
        guard r.u16(2) == 42, let ifd0 = r.u32(4),
              let exifPointer = entries(r, at: Int(ifd0)).first(where: { $0.tag == exifPointerTag }),
              exifPointer.type == 4 || exifPointer.type == 13, let exifIFD = r.u32(exifPointer.valueOffset)
        else { return nil }
        let exif = entries(r, at: Int(exifIFD))
        guard let original = exif.first(where: { $0.tag == dateTimeOriginalTag }).flatMap({ ascii(r, $0) }) else { return nil }
        let offset = exif.first(where: { $0.tag == offsetTimeOriginalTag }).flatMap { ascii(r, $0) }
        return parse(dateTime: original, offset: offset)
    }

    struct Entry {
        var tag: UInt16
        var type: UInt16
        var count: UInt32
        /// Where the value (or, when it does not fit in four bytes, its offset) is, in the TIFF block.
        var valueOffset: Int
    }

    /// The entries of the directory at `offset`; none when it does not lie inside the buffer.
    static func entries(_ r: ByteReader, at offset: Int) -> [Entry] {
        guard offset >= 8, let count = r.u16(offset), count > 0, Int(count) <= maxEntries,
              r.slice(offset + 2, Int(count) * 12) != nil else { return [] }
        return (0..<Int(count)).compactMap { i in
            let e = offset + 2 + i * 12
            guard let tag = r.u16(e), let type = r.u16(e + 2), let n = r.u32(e + 4) else { return nil }
            return Entry(tag: tag, type: type, count: n, valueOffset: e + 8)
        }
    }

    /// An ASCII value (type 2) up to its first NUL; nil when it is another type or outside the buffer.
    static func ascii(_ r: ByteReader, _ entry: Entry) -> String? {
        guard entry.type == 2, entry.count > 0, entry.count <= 64 else { return nil }
        let start: Int
        if entry.count <= 4 {
            start = entry.valueOffset
        } else {
            guard let pointer = r.u32(entry.valueOffset) else { return nil }
            start = Int(pointer)
        }
        guard let bytes = r.slice(start, Int(entry.count)) else { return nil }
        let text = bytes.prefix { $0 != 0 }
        guard text.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: text, as: UTF8.self)
    }

    /// "YYYY:MM:DD HH:MM:SS" (EXIF's form; "-" and "T" as some writers use them are accepted too) with an
    /// optional "+HH:MM" offset. Blank or zero dates ("    :  :     :  :  ", "0000:00:00 00:00:00"),
    /// which cameras write when their clock was never set, are no date.
    static func parse(dateTime text: String, offset: String?) -> CaptureTime? {
        let chars = Array(text.utf8)
        guard chars.count >= 19 else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            let digits = chars[from ..< from + length]
            guard digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        let dateSeparators: Set<UInt8> = [UInt8(ascii: ":"), UInt8(ascii: "-")]
        guard dateSeparators.contains(chars[4]), dateSeparators.contains(chars[7]),
              chars[10] == UInt8(ascii: " ") || chars[10] == UInt8(ascii: "T"),
              chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2), year > 0
        else { return nil }
        return CaptureTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                           utcOffsetMinutes: offset.flatMap(parseOffset))
    }

    /// "+02:00", "-05:30"; nil for anything else (blank, out of range).
    static func parseOffset(_ text: String) -> Int? {
        let chars = Array(text.utf8)
        guard chars.count == 6, chars[0] == UInt8(ascii: "+") || chars[0] == UInt8(ascii: "-"), chars[3] == UInt8(ascii: ":"),
              [1, 2, 4, 5].allSatisfy({ (0x30...0x39).contains(chars[$0]) }) else { return nil }
        let hours = Int(chars[1] - 0x30) * 10 + Int(chars[2] - 0x30)
        let minutes = Int(chars[4] - 0x30) * 10 + Int(chars[5] - 0x30)
        guard minutes < 60 else { return nil }
        let value = (hours * 60 + minutes) * (chars[0] == UInt8(ascii: "-") ? -1 : 1)
        return CaptureTime.offsetRange.contains(value) ? value : nil
    }
}
