import FaceVision
import Foundation
import Testing

@Suite("Bad input gives clear errors")
struct BadInputTests {
    /// Decoding `bytes` must fail with an `unreadableImage` error whose reason contains `reason`.
    func expectUnreadable(_ bytes: [UInt8], name: String, reason: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        do {
            _ = try Image(contentsOf: url)
            Issue.record("\(name) decoded, expected an error")
        } catch let VisionError.unreadableImage(path, message) {
            #expect(path == url.path)
            #expect(message.contains(reason), "\(name): \(message)")
        }
    }

    @Test func emptyFile() throws { try expectUnreadable([], name: "empty.jpg", reason: "empty") }

    @Test func randomBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try expectUnreadable(bytes, name: "noise.jpg", reason: "not a decodable image")
    }

    @Test func textWithImageExtension() throws {
        try expectUnreadable(Array("hello, I am not a photo\n".utf8), name: "note.png", reason: "not a decodable image")
    }

    @Test func truncatedJPEG() throws {
        let bytes = Array(try Data(contentsOf: Fixtures.seedPhoto("Jenny.jpg")))
        try expectUnreadable(Array(bytes.prefix(600)), name: "truncated.jpg", reason: "truncated JPEG")
        // Cut inside the image data: the decoder alone would return a half-grey picture.
        try expectUnreadable(Array(bytes.prefix(bytes.count / 2)), name: "half.jpg", reason: "truncated JPEG")
    }

    @Test func hugeDimensionsAreRefusedBeforeAllocating() throws {
        try expectUnreadable(Self.pngHeader(width: 20000, height: 20000), name: "huge.png", reason: "20000x20000 pixels, more than")
    }

    @Test func hugeJPEGHeader() throws {
        // SOI, then a baseline start-of-frame claiming 30000x30000, then nothing.
        let sof: [UInt8] = [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x75, 0x30, 0x75, 0x30, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        try expectUnreadable([0xFF, 0xD8] + sof, name: "huge.jpg", reason: "30000x30000 pixels")
    }

    @Test func zeroPixelImage() throws {
        try expectUnreadable(Self.pngHeader(width: 0, height: 0), name: "zero.png", reason: "no pixels")
    }

    @Test func missingFileAndDirectory() throws {
        #expect(throws: VisionError.unreadableImage(path: "/nonexistent/x.jpg", reason: "no such file")) {
            try Image(contentsOf: URL(fileURLWithPath: "/nonexistent/x.jpg"))
        }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: VisionError.self) { try Image(contentsOf: directory) }
        let link = directory.appendingPathComponent("dangling.jpg")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/nonexistent/target.jpg")
        #expect(throws: VisionError.unreadableImage(path: link.path, reason: "dangling symbolic link")) {
            try Image(contentsOf: link)
        }
    }

    /// A PNG signature and IHDR chunk claiming the given size, with no pixel data.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let ihdr: [UInt8] = Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + ihdr + be(crc32(ihdr)) + be(0) + Array("IEND".utf8) + be(0xAE42_6082)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

@Suite("Image basics")
struct ImageTests {
    @Test func exifOrientationIsApplied() throws {
        let jpeg = Array(try Fixtures.gradientImage(width: 64, height: 32).jpegData())
        let rotated = jpeg.prefix(2) + Self.exifSegment(orientation: 6) + jpeg.dropFirst(2)
        let image = try Image(data: Data(rotated))
        #expect(image.width == 32 && image.height == 64, "orientation 6 turns a 64x32 photo upright to 32x64")
        let plain = try Image(data: Data(jpeg))
        #expect(plain.width == 64 && plain.height == 32)
    }

    @Test func thumbnailsAreSquareAndPaddedAtBorders() throws {
        let image = try Fixtures.gradientImage(width: 100, height: 80)
        let face = DetectedFace(box: Rect(x1: -10, y1: 50, x2: 30, y2: 95), score: 0.99, landmarks: [])
        let thumbnail = try Image(data: Thumbnail.jpeg(of: face, in: image, side: 96))
        #expect(thumbnail.width == 96 && thumbnail.height == 96)
        // The corner outside the photo is black.
        let corner = thumbnail.bgrPixels.prefix(3)
        #expect(corner.allSatisfy { $0 < 16 })
    }

    @Test func facenetCropIsEnlargedAndClipped() throws {
        let image = try Fixtures.gradientImage(width: 200, height: 100)
        let crop = FaceNet.cropRect(for: Rect(x1: 100, y1: 20, x2: 140, y2: 70), in: image)
        #expect(crop == Rect(x1: 94, y1: 12.5, x2: 146, y2: 77.5))
        let clipped = FaceNet.cropRect(for: Rect(x1: 180, y1: 80, x2: 200, y2: 100), in: image)
        #expect(clipped.maxX == 200 && clipped.maxY == 100)
    }

    /// An APP1 Exif segment holding only an orientation tag (big-endian TIFF).
    static func exifSegment(orientation: UInt16) -> [UInt8] {
        let tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 1,
                             0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, UInt8(orientation >> 8), UInt8(orientation & 0xFF), 0, 0,
                             0, 0, 0, 0]
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = UInt16(payload.count + 2)
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }
}
