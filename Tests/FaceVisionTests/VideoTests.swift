import FRSTestSupport
import FaceVision
import Foundation
import Testing

@Suite("Videos")
struct VideoTests {
    static let photos = ["GroupM.jpg", "Jenny.jpg", "Imran_Khan.jpg"]

    /// The sample photo as ffmpeg put it in the video: scaled to fit 640x480, centred on black.
    static func letterboxed(_ name: String) throws -> Image {
        let photo = try Image(contentsOf: Fixtures.seedPhoto(name))
        let scale = min(640 / Float(photo.width), 480 / Float(photo.height))
        let width = 640 / scale, height = 480 / scale
        let x = (Float(photo.width) - width) / 2, y = (Float(photo.height) - height) / 2
        return try photo.cropped(to: Rect(x1: x, y1: y, x2: x + width, y2: y + height), width: 640, height: 480, pad: true,
                                 interpolation: .cubic)
    }

    static func meanAbsoluteDifference(_ a: Image, _ b: Image) -> Double {
        let pa = a.bgrPixels, pb = b.bgrPixels
        guard pa.count == pb.count else { return .infinity }
        return Double(zip(pa, pb).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(pa.count)
    }

    @Test("frames are decoded upright, in colour order, at the right index, and faces are found in them")
    func framesMatchThePhotos() throws {
        try Self.withClip { url in try Self.checkFrames(of: url) }
    }

    /// The three sample photos as a 6 s clip in a temporary folder.
    static func withClip(_ body: (URL) throws -> Void) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("clip.mp4")
        try SampleVideo.make(photos: photos, at: url)
        try body(url)
    }

    static func checkFrames(of url: URL) throws {
        let video = try Video(contentsOf: url)
        #expect(video.frameCount == 30 && video.width == 640 && video.height == 480)
        #expect(abs(video.framesPerSecond - 5) < 0.01 && video.duration.map { abs($0 - 6) < 0.01 } == true)
        #expect(video.sampledFrames(every: 1) == [0, 5, 10, 15, 20, 25])
        #expect(video.sampledFrames(every: 2) == [0, 10, 20])
        #expect(video.sampledFrames(every: 0.01) == Array(0..<30), "never more than every frame")

        let analyzer = try Fixtures.analyzer()
        for (index, name) in photos.enumerated() {
            let frame = try video.frame(at: index * 10)
            let expected = try letterboxed(name)
            let difference = meanAbsoluteDifference(frame, expected)
            #expect(difference < 8, "frame \(index * 10) should show \(name) (mean difference \(difference))")
            // Wrong photos differ by far more: the check can tell them apart.
            let other = try letterboxed(photos[(index + 1) % photos.count])
            #expect(meanAbsoluteDifference(frame, other) > 2 * difference)

            let inFrame = try analyzer.faces(in: frame).map(\.box)
            let inPhoto = try analyzer.faces(in: expected).map(\.box)
            #expect(inFrame.count == inPhoto.count && !inFrame.isEmpty, "\(name): \(inFrame.count) faces in the frame, \(inPhoto.count) in the photo")
            for box in inFrame {
                #expect(inPhoto.contains { $0.intersectionOverUnion(box) > 0.8 }, "\(name): a face in the frame at \(box) is not in the photo")
            }
        }
    }

    @Test("a video stored sideways with a display rotation is read upright")
    func displayRotationIsApplied() throws {
        try Self.withClip { url in
            let sideways = url.deletingLastPathComponent().appendingPathComponent("portrait.mp4")
            try SampleVideo.storeSideways(url, at: sideways)
            let video = try Video(contentsOf: sideways)
            #expect(video.width == 640 && video.height == 480, "the size after rotation: \(video.width)x\(video.height)")
            let frame = try video.frame(at: 0)
            #expect(frame.width == 640 && frame.height == 480)
            let difference = Self.meanAbsoluteDifference(frame, try Self.letterboxed(Self.photos[0]))
            #expect(difference < 8, "frame 0 should show \(Self.photos[0]) upright (mean difference \(difference))")
            let analyzer = try Fixtures.analyzer()
            #expect(try analyzer.faces(in: frame).count == analyzer.faces(in: Self.letterboxed(Self.photos[0])).count)
        }
    }

    @Test("reading out of order gives the same pixels as reading in order")
    func seekingIsExact() throws {
        try Self.withClip { url in try Self.checkSeeking(in: url) }
    }

    static func checkSeeking(in url: URL) throws {
        let inOrder = try Video(contentsOf: url)
        let frames = try (0..<30).map { try inOrder.frame(at: $0).bgrPixels }
        let jumping = try Video(contentsOf: url)
        for index in [25, 3, 29, 0, 14, 13, 28] {
            #expect(try jumping.frame(at: index).bgrPixels == frames[index], "frame \(index)")
        }
        #expect(throws: VisionError.self) { try jumping.frame(at: 30) }
        // The same through `Image.read` and a worker's `MediaReader`.
        #expect(try Image.read(url, frame: 17).bgrPixels == frames[17])
        let reader = MediaReader()
        for index in [5, 10, 2, 29] {
            #expect(try reader.image(path: url.path, frame: index).bgrPixels == frames[index])
        }
    }

    @Test("bad videos give clear errors")
    func badVideos() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func reason(_ url: URL) -> String? {
            do {
                _ = try Video(contentsOf: url)
                return nil
            } catch let VisionError.unreadableImage(path, reason) {
                #expect(path == url.path)
                return reason
            } catch {
                return "unexpected error \(error)"
            }
        }
        let noise = directory.appendingPathComponent("noise.mp4")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: noise)
        #expect(reason(noise)?.contains("not a readable video") == true)

        let empty = directory.appendingPathComponent("empty.mov")
        try Data().write(to: empty)
        #expect(reason(empty) == "empty file")
        #expect(reason(directory.appendingPathComponent("missing.mp4")) == "no such file")
        #expect(reason(directory)?.contains("is a directory") == true)

        let text = directory.appendingPathComponent("note.avi")
        try Data("not a video at all\n".utf8).write(to: text)
        #expect(reason(text)?.contains("not a readable video") == true)

        // Cut in half: without its index at the end, the file cannot be opened at all.
        let clip = directory.appendingPathComponent("clip.mp4")
        try SampleVideo.make(photos: Self.photos, at: clip)
        let whole = try Data(contentsOf: clip)
        let cut = directory.appendingPathComponent("cut.mp4")
        try whole.prefix(whole.count / 2).write(to: cut)
        #expect(reason(cut)?.contains("not a readable video") == true)

        // With its index at the front, a cut file opens; the frames that are gone fail one by one.
        let streamable = directory.appendingPathComponent("streamable.mp4")
        try SampleVideo.make(photos: Self.photos, faststart: true, at: streamable)
        let full = try Data(contentsOf: streamable)
        let cutStreamable = directory.appendingPathComponent("cut-streamable.mp4")
        try full.prefix(full.count / 2).write(to: cutStreamable)
        let video = try Video(contentsOf: cutStreamable)
        #expect(try video.frame(at: 0).width == 640)
        #expect(throws: VisionError.self) { try video.frame(at: 29) }
    }
}
