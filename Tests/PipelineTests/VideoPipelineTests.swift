import FRSTestSupport
import FaceStore
import Foundation
import StoreTestSupport
import Testing

@Suite("Videos in the library", .serialized)
struct VideoPipelineTests {
    /// One line of `frs export faces --json` or `frs test --json`, the fields compared here.
    struct FaceLine: Decodable {
        var path: String
        var frame: Int?
        var box: [Double]
        var person_id: Int64?
    }

    struct TestLine: Decodable {
        struct Face: Decodable { var box: [Double] }
        var frame: Int?
        var faces: [Face]
    }

    static func lines<T: Decodable>(_ text: String, as: T.Type) throws -> [T] {
        try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    @Test("a video becomes one item per sampled frame; its faces are found, recognised and replaced when it changes", arguments: TestBackends.all)
    func videoFrames(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        let clip = library.photos.appendingPathComponent("clip.mp4")
        try SampleVideo.make(photos: ["GroupM.jpg", "Jenny.jpg", "Imran_Khan.jpg"], at: clip)
        var generator = SystemRandomNumberGenerator()
        try Data((0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: library.photos.appendingPathComponent("broken.mov"))

        let add = try await library.frs(["add", library.photos.path])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("added 2, changed 0, unchanged 0, duplicates 0, unreadable 1"), "\(add.stdout)")
        #expect(add.stderr.contains("broken.mov: not a readable video"), "\(add.stderr)")
        // The photo, six frames (one a second of a 6 s video) and the broken video.
        #expect(try await library.statusCounts() == StatusCounts(pending: 8))

        let detect = try await library.frs(["detect"])
        #expect(detect.status == 0, "\(detect.stderr)")
        #expect(try await library.statusCounts() == StatusCounts(done: 7, failed: 1))
        let store = try await library.openStore()
        let failed = try await store.failedItems(limit: 10)
        try await store.close()
        #expect(failed.count == 1 && failed[0].path.hasSuffix("broken.mov") && failed[0].error.contains("not a readable video"), "\(failed)")

        // Each frame holds exactly the faces `frs test` finds in it.
        let tested = try await FRSBinary.run(["test", "--json", clip.path])
        #expect(tested.status == 0, "\(tested.stderr)")
        let expected = try Self.lines(tested.stdout, as: TestLine.self)
        #expect(expected.map(\.frame) == [0, 5, 10, 15, 20, 25])
        let exported = try await library.frs(["export", "faces", "--json"])
        let stored = try Self.lines(exported.stdout, as: FaceLine.self)
        #expect(stored.filter { $0.path.hasSuffix("Jenny.jpg") }.map(\.frame) == [nil])
        for line in expected {
            let boxes = stored.filter { $0.path == clip.path && $0.frame == line.frame }.map(\.box)
            #expect(boxes.count == line.faces.count && !boxes.isEmpty, "frame \(line.frame!): \(boxes.count) stored, \(line.faces.count) found by frs test")
            for face in line.faces {
                #expect(boxes.contains { zip($0, face.box).allSatisfy { abs($0 - $1) < 0.02 } }, "frame \(line.frame!): \(face.box) not stored")
            }
        }
        #expect(library.thumbnailFiles().count == stored.count, "one thumbnail per face")

        // Nothing new on a second pass.
        let again = try await library.frs(["add", library.photos.path])
        #expect(again.stdout.contains("added 0, changed 0, unchanged 2,"), "\(again.stdout)")
        #expect(try await library.frs(["detect"]).status == 0)
        #expect(try await library.frs(["export", "faces", "--json"]).stdout == exported.stdout)

        // Recognition: Jenny's photo and her two frames in the video are one person.
        let run = try await library.frs(["run"])
        #expect(run.status == 0, "\(run.stderr)")
        let recognised = try Self.lines(try await library.frs(["export", "faces", "--json"]).stdout, as: FaceLine.self)
        let jennyPhoto = recognised.first { $0.path.hasSuffix("Jenny.jpg") }
        let jennyFrames = recognised.filter { $0.path == clip.path && ($0.frame == 10 || $0.frame == 15) }
        #expect(jennyFrames.count == 2 && jennyPhoto?.person_id != nil, "\(recognised.map { ($0.frame, $0.person_id) })")
        #expect(jennyFrames.allSatisfy { $0.person_id == jennyPhoto?.person_id })

        // A changed video gets new frames; the old frames' faces are gone, not duplicated.
        try FileManager.default.removeItem(at: clip)
        try SampleVideo.make(photos: ["Imran_Khan.jpg"], secondsEach: 3, at: clip)
        #expect(try await library.frs(["add", library.photos.path]).stdout.contains("changed 1,"))
        #expect(try await library.statusCounts() == StatusCounts(pending: 3, done: 1, failed: 1))
        #expect(try await library.frs(["detect"]).status == 0)
        let replaced = try Self.lines(try await library.frs(["export", "faces", "--json"]).stdout, as: FaceLine.self)
        // Sorted: with several workers the frames finish, and their faces are numbered, in any order.
        #expect(replaced.filter { $0.path == clip.path }.compactMap(\.frame).sorted() == [0, 5, 10], "one face in each of the three frames")
    }
}
