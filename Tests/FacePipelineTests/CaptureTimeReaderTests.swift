import FaceStore
import FRSTestSupport
import Foundation
import Testing
@testable import FacePipeline

/// Reading when a photo or video was taken: EXIF in JPEG, PNG, WebP and TIFF, both byte orders, the
/// movie header of ISO media files, and hostile or cut-off bytes, which must give nil, never a crash.
@Suite("Capture time reader")
struct CaptureTimeReaderTests {
    static func jpeg(_ date: String, offset: String? = nil, bigEndian: Bool = false) -> [UInt8] {
        // SOI, an APP0 (JFIF) in front as cameras write it, the EXIF APP1, then a start of scan.
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x07] + Array("JFIF".utf8) + [0]
            + ExifPhoto.app1(ExifPhoto.tiff(dateTimeOriginal: date, offset: offset, bigEndian: bigEndian))
            + [0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]
    }

    @Test(arguments: [false, true])
    func exifDateWithoutOffsetIsTheCamerasWallClock(bigEndian: Bool) throws {
        let time = try #require(ExifReader.captureTime(fileHead: Self.jpeg("2019:07:14 15:30:09", bigEndian: bigEndian)))
        #expect(time.utcOffsetMinutes == nil)
        #expect(time.iso8601 == "2019-07-14T15:30:09")
        #expect(time.localDay == CalendarDay(year: 2019, month: 7, day: 14))
        #expect(time.date == Date(timeIntervalSince1970: 1_563_118_209))  // the wall time read as UTC
    }

    @Test(arguments: [false, true])
    func exifDateWithOffsetIsAnInstant(bigEndian: Bool) throws {
        let time = try #require(ExifReader.captureTime(fileHead: Self.jpeg("2019:07:14 01:30:00", offset: "+02:00", bigEndian: bigEndian)))
        #expect(time.utcOffsetMinutes == 120)
        #expect(time.iso8601 == "2019-07-14T01:30:00+02:00")
        // 01:30 in UTC+2 is 23:30 UTC the day before; the day where it was taken is still the 14th.
        #expect(time.date == Date(timeIntervalSince1970: 1_563_060_600))
        #expect(time.localDay == CalendarDay(year: 2019, month: 7, day: 14))
        let west = try #require(ExifReader.captureTime(fileHead: Self.jpeg("2019:07:14 20:00:00", offset: "-05:30")))
        #expect(west.iso8601 == "2019-07-14T20:00:00-05:30")
    }

    @Test func datesThatNameNoMomentAreNone() {
        for text in ["    :  :     :  :  ", "0000:00:00 00:00:00", "2019:02:30 10:00:00", "2019:13:01 10:00:00",
                     "2019:01:01 24:00:00", "2019:01:01 10:61:00", "2019/01/01 10:00:00", "2019:01:01", "abcd:ef:gh ij:kl:mn"] {
            #expect(ExifReader.captureTime(fileHead: Self.jpeg(text)) == nil, "\(text)")
        }
        // An offset that is not one is ignored; the date stays.
        for offset in ["+15:00", "02:00", "+2:00", "      ", "+02:60"] {
            let time = ExifReader.captureTime(fileHead: Self.jpeg("2019:07:14 15:30:00", offset: offset))
            #expect(time?.utcOffsetMinutes == nil && time?.iso8601 == "2019-07-14T15:30:00", "\(offset)")
        }
        #expect(ExifReader.parse(dateTime: "2019-07-14T15:30:00", offset: nil)?.iso8601 == "2019-07-14T15:30:00")
    }

    @Test func otherContainers() throws {
        let tiff = ExifPhoto.tiff(dateTimeOriginal: "2001:02:03 04:05:06")
        // TIFF file: the block is the file.
        #expect(ExifReader.captureTime(fileHead: tiff)?.iso8601 == "2001-02-03T04:05:06")
        // PNG with an eXIf chunk after IHDR.
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let n = data.count
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + Array(type.utf8) + data + [0, 0, 0, 0]
        }
        let png = ExifReader.pngSignature + chunk("IHDR", [UInt8](repeating: 0, count: 13)) + chunk("eXIf", tiff) + chunk("IEND", [])
        #expect(ExifReader.captureTime(fileHead: png)?.iso8601 == "2001-02-03T04:05:06")
        // WebP with an EXIF chunk (odd size padded), prefixed "Exif\0\0" as some writers do.
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let n = payload.count
        var webp = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8)
        webp += Array("VP8X".utf8) + [10, 0, 0, 0] + [UInt8](repeating: 0, count: 10)
        webp += Array("EXIF".utf8) + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), 0, 0] + payload + (n % 2 == 1 ? [0] : [])
        #expect(ExifReader.captureTime(fileHead: webp)?.iso8601 == "2001-02-03T04:05:06")
        // No EXIF at all: a JPEG straight to its scan, and a file that is no photo.
        #expect(ExifReader.captureTime(fileHead: [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02]) == nil)
        #expect(ExifReader.captureTime(fileHead: Array("hello, world".utf8)) == nil)
    }

    /// Cut off at every length, and thousands of random corruptions: nil or a valid time, never a crash
    /// or a read outside the buffer (which would trap).
    @Test func truncatedAndCorruptExifNeverCrashes() {
        let whole = Self.jpeg("2019:07:14 15:30:09", offset: "+02:00")
        for length in 0..<whole.count {
            let time = ExifReader.captureTime(fileHead: Array(whole.prefix(length)))
            if let time { #expect(time.iso8601.hasPrefix("2019-07-14")) }
        }
        var random = SplitMix(seed: 11)
        var found = 0
        for _ in 0..<20_000 {
            var bytes = whole
            for _ in 0..<(1 + Int(random.next() % 6)) {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            if let time = ExifReader.captureTime(fileHead: bytes) {
                found += 1
                #expect(CaptureTime.offsetRange.contains(time.utcOffsetMinutes ?? 0))
                _ = time.iso8601
            }
        }
        #expect(found > 0, "some corruptions miss the date and it is still read")
        // Hand-made hostile directories: a huge entry count, offsets past the end, an IFD pointing at itself.
        var tiff = ExifPhoto.tiff(dateTimeOriginal: "2019:07:14 15:30:09")
        tiff[8] = 0xFF; tiff[9] = 0xFF
        #expect(ExifReader.captureTime(tiff: tiff) == nil)
        tiff = ExifPhoto.tiff(dateTimeOriginal: "2019:07:14 15:30:09")
        tiff[4] = 0xF0; tiff[5] = 0xFF; tiff[6] = 0xFF; tiff[7] = 0x7F
        #expect(ExifReader.captureTime(tiff: tiff) == nil)
        tiff = ExifPhoto.tiff(dateTimeOriginal: "2019:07:14 15:30:09")
        tiff[18] = 8; tiff[19] = 0; tiff[20] = 0; tiff[21] = 0  // Exif pointer -> IFD0 again
        #expect(ExifReader.captureTime(tiff: tiff) == nil)
    }

    @Test func photoFileOnDiskAndTheReadBound() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frs-exif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = folder.appendingPathComponent("dated.jpg")
        try ExifPhoto.write(copyOf: SharedData.seed.appendingPathComponent("Hamid_MIR.jpg"), to: photo,
                            dateTimeOriginal: "2010:05:06 07:08:09", offset: "+01:00")
        #expect(CaptureTimeReader.captureTime(of: photo)?.iso8601 == "2010-05-06T07:08:09+01:00")
        // A real camera's EXIF (big-endian, written by an Apple camera), and a photo with none.
        #expect(CaptureTimeReader.captureTime(of: SharedData.seed.appendingPathComponent("Jenny.jpg"))?.iso8601 == "2006-10-01T13:08:16")
        #expect(CaptureTimeReader.captureTime(of: SharedData.seed.appendingPathComponent("Hamid_MIR.jpg")) == nil)
        // EXIF behind more than the bound is not looked for: a 300 KB APP2 in front of it.
        let big = [UInt8]((try Data(contentsOf: photo)))
        var padded = Array(big[0..<2])
        for _ in 0..<5 { padded += [0xFF, 0xE2, 0xFF, 0xFF] + [UInt8](repeating: 0x41, count: 0xFFFD) }
        padded += big[2...]
        let far = folder.appendingPathComponent("far.jpg")
        try Data(padded).write(to: far)
        #expect(CaptureTimeReader.captureTime(of: far) == nil)
    }

    // MARK: Movies

    static func box(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let n = body.count + 8
        return [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + Array(type.utf8) + body
    }

    static func be(_ value: UInt64, bytes: Int) -> [UInt8] { (0..<bytes).reversed().map { UInt8(value >> (8 * UInt64($0)) & 0xFF) } }

    static func mvhd(version: UInt8, created: UInt64) -> [UInt8] {
        let times = version == 1 ? be(created, bytes: 8) + be(created, bytes: 8) + be(1000, bytes: 4) + be(0, bytes: 8)
            : be(created, bytes: 4) + be(created, bytes: 4) + be(1000, bytes: 4) + be(0, bytes: 4)
        return box("mvhd", [version, 0, 0, 0] + times + [UInt8](repeating: 0, count: 80))
    }

    static func movieTime(_ bytes: [UInt8]) -> CaptureTime? {
        MovieHeaderReader.captureTime(size: UInt64(bytes.count)) { offset, count in
            guard offset < UInt64(bytes.count) else { return [] }
            return Array(bytes[Int(offset)..<min(bytes.count, Int(offset) + count)])
        }
    }

    /// 2015-06-01T12:00:00Z in seconds since 1904.
    static let june2015: UInt64 = 1_433_160_000 + MovieHeaderReader.secondsFrom1904To1970

    @Test func movieHeaderCreationTime() throws {
        let ftyp = Self.box("ftyp", Array("isom".utf8) + [0, 0, 2, 0])
        let mdat = Self.box("mdat", [UInt8](repeating: 7, count: 5000))
        for version: UInt8 in [0, 1] {
            // moov after the media data, with another box before mvhd inside it.
            let moov = Self.box("moov", Self.box("udta", [1, 2, 3]) + Self.mvhd(version: version, created: Self.june2015))
            let time = try #require(Self.movieTime(ftyp + mdat + moov))
            #expect(time.iso8601 == "2015-06-01T12:00:00Z" && time.utcOffsetMinutes == 0)
        }
        // A 64-bit box size (size field 1) for mdat, and a last box running to the end (size 0).
        var large = Array("    mdat".utf8)
        large.replaceSubrange(0..<4, with: [0, 0, 0, 1])
        large += Self.be(16 + 100, bytes: 8) + [UInt8](repeating: 0, count: 100)
        var moov = Self.box("moov", Self.mvhd(version: 0, created: Self.june2015))
        moov.replaceSubrange(0..<4, with: [0, 0, 0, 0])
        #expect(Self.movieTime(ftyp + large + moov)?.iso8601 == "2015-06-01T12:00:00Z")
        // Not set (0), or before 1970: none.
        #expect(Self.movieTime(ftyp + Self.box("moov", Self.mvhd(version: 0, created: 0))) == nil)
        #expect(Self.movieTime(ftyp + Self.box("moov", Self.mvhd(version: 0, created: 1000))) == nil)
    }

    @Test func truncatedAndCorruptMoviesNeverCrash() {
        let whole = Self.box("ftyp", Array("isom".utf8)) + Self.box("moov", Self.mvhd(version: 1, created: Self.june2015))
        for length in 0..<whole.count { _ = Self.movieTime(Array(whole.prefix(length))) }
        var random = SplitMix(seed: 5)
        for _ in 0..<20_000 {
            var bytes = whole
            for _ in 0..<(1 + Int(random.next() % 4)) {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            _ = Self.movieTime(bytes)
        }
        // Sizes that point past the end, a box smaller than its header, endless zero-size boxes.
        #expect(Self.movieTime([0xFF, 0xFF, 0xFF, 0xFF] + Array("moov".utf8) + [0, 0]) == nil)
        #expect(Self.movieTime([0, 0, 0, 4] + Array("free".utf8) + whole) == nil)
        #expect(Self.movieTime([UInt8](repeating: 0, count: 64)) == nil)
    }

    @Test func realVideoFromFfmpeg() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frs-movie-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for faststart in [false, true] {
            let video = folder.appendingPathComponent("clip-\(faststart).mp4")
            try SampleVideo.make(photos: ["Jenny.jpg"], secondsEach: 1, faststart: faststart,
                                 creationTime: "2015-06-01T12:00:00Z", at: video)
            #expect(CaptureTimeReader.captureTime(of: video)?.iso8601 == "2015-06-01T12:00:00Z")
        }
        let undated = folder.appendingPathComponent("undated.mp4")
        try SampleVideo.make(photos: ["Jenny.jpg"], secondsEach: 1, at: undated)
        #expect(CaptureTimeReader.captureTime(of: undated) == nil, "ffmpeg writes 0 (not set) without creation_time")
    }
}

/// A small seeded generator, so a failing corruption can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
