import FaceStore
import Foundation
import StoreTestSupport
import Testing

@Suite("A folder of bad files")
struct BadInputPipelineTests {
    @Test("every bad file is marked failed with a clear reason; good ones are processed", arguments: TestBackends.all)
    func badFolder(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        let folder = library.photos
        func write(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        let jpeg = Array(try Data(contentsOf: Library.seed.appendingPathComponent("shaista.jpg")))
        var random = SystemRandomNumberGenerator()
        try write("empty.jpg", [])
        try write("truncated.jpg", Array(jpeg.prefix(jpeg.count / 20)))
        try write("random.jpg", (0..<8192).map { _ in UInt8.random(in: 0...255, using: &random) })
        try write("text.png", Array("this is not an image\n".utf8))
        try write("zero.png", PNG.header(width: 0, height: 0))
        try write("huge.png", PNG.header(width: 20000, height: 20000))
        try write("locked.jpg", Array("a locked file\n".utf8))
        chmod(folder.appendingPathComponent("locked.jpg").path, 0)
        // A real photo under a wrong extension is still a photo.
        try FileManager.default.copyItem(at: Library.seed.appendingPathComponent("IK.png"), to: folder.appendingPathComponent("really-a-png.jpg"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("dangling.jpg").path, withDestinationPath: "/nonexistent/photo.jpg")

        #expect(try await library.frs(["add", folder.path]).status == 0)
        let detect = try await library.frs(["detect"])
        #expect(detect.status == 0, "\(detect.stderr)")
        // The 20000x20000 header must be refused before its 1.2 GB of pixels are allocated.
        let peak = detect.stdout.components(separatedBy: "peak memory ").last.flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
        #expect(detect.stdout.contains("peak memory") && peak > 0 && peak < 1000, "\(detect.stdout)")

        let store = try await library.openStore()
        defer { Task { try? await store.close() } }
        #expect(try await store.statusCounts() == StatusCounts(done: 2, failed: 8))
        let reasons = Dictionary(uniqueKeysWithValues: try await store.failedItems(limit: 100).map { ($0.path, $0.error) })
        let expected: [String: String] = [
            "empty.jpg": "empty file", "truncated.jpg": "truncated JPEG", "random.jpg": "not a decodable image",
            "text.png": "not a decodable image", "zero.png": "no pixels", "huge.png": "20000x20000 pixels, more than",
            "dangling.jpg": "dangling symbolic link",
            "locked.jpg": getuid() == 0 ? "not a decodable image" : "permission denied",
        ]
        for (name, reason) in expected {
            let stored = reasons.first { URL(fileURLWithPath: $0.key).lastPathComponent == name }?.value
            #expect(stored?.contains(reason) == true, "\(name): \(stored ?? "no failure recorded")")
        }
        // Failed photos are not retried unless asked.
        let again = try await library.frs(["detect"])
        #expect(again.stdout.contains("in 0 photos; 0 failed"), "\(again.stdout)")
        let retry = try await library.frs(["detect", "--retry-failed"])
        #expect(retry.stdout.contains("8 failed"), "\(retry.stdout)")
    }
}

enum PNG {
    /// A PNG signature and IHDR chunk claiming the given size, with no pixel data.
    static func header(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let ihdr: [UInt8] = Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in ihdr {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + ihdr + be(~crc) + be(0) + Array("IEND".utf8) + be(0xAE42_6082)
    }
}
