import Foundation

/// Test photos with a capture date: a copy of a JPEG with a minimal EXIF APP1 segment (IFD0 -> Exif
/// sub-IFD -> DateTimeOriginal, and OffsetTimeOriginal when given) inserted after its start marker.
/// The evaluation photos carry no EXIF, and photos of people are never committed, so tests make
/// their dated photos this way in a temporary folder.
public enum ExifPhoto {
    /// The TIFF block: "YYYY:MM:DD HH:MM:SS" as DateTimeOriginal, "+HH:MM" as OffsetTimeOriginal.
    public static func tiff(dateTimeOriginal: String, offset: String? = nil, bigEndian: Bool = false) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { let b = [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]; return bigEndian ? b : b.reversed() }
        let date = Array(dateTimeOriginal.utf8) + [0]
        let zone = offset.map { Array($0.utf8) + [0] }
        let exifEntries = zone == nil ? 1 : 2
        let exifIFD = 8 + 2 + 12 + 4
        let dataStart = exifIFD + 2 + 12 * exifEntries + 4
        var out: [UInt8] = (bigEndian ? Array("MM".utf8) : Array("II".utf8)) + u16(42) + u32(8)
        out += u16(1) + u16(0x8769) + u16(4) + u32(1) + u32(exifIFD) + u32(0)
        out += u16(exifEntries) + u16(0x9003) + u16(2) + u32(date.count) + u32(dataStart)
        if let zone { out += u16(0x9011) + u16(2) + u32(zone.count) + u32(dataStart + date.count) }
        out += u32(0) + date + (zone ?? [])
        return out
    }

    /// The APP1 segment that carries `tiff`.
    public static func app1(_ tiff: [UInt8]) -> [UInt8] {
        let length = 2 + 6 + tiff.count
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + Array("Exif".utf8) + [0, 0] + tiff
    }

    /// Writes a copy of the JPEG at `source` to `destination` with that EXIF date.
    public static func write(copyOf source: URL, to destination: URL, dateTimeOriginal: String, offset: String? = nil,
                             bigEndian: Bool = false) throws {
        let jpeg = [UInt8](try Data(contentsOf: source))
        guard jpeg.count > 2, jpeg[0] == 0xFF, jpeg[1] == 0xD8 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: source.path])
        }
        let segment = app1(tiff(dateTimeOriginal: dateTimeOriginal, offset: offset, bigEndian: bigEndian))
        try Data(jpeg[0..<2] + segment + jpeg[2...]).write(to: destination)
    }
}
