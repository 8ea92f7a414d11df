import Foundation

/// Real H.264 videos made from the sample photos with Debian's ffmpeg (installed by
/// `scripts/bootstrap`): each photo is shown for `secondsEach` seconds, scaled and padded to
/// 640x480, at `fps` frames per second. Frame `i * secondsEach * fps` is the first frame of photo `i`.
public enum SampleVideo {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `faststart` puts the index at the front, as streaming services do: such a file still opens
    /// when its end is cut off. `creationTime` ("2015-06-01T12:00:00Z") goes into the movie header.
    public static func make(photos: [String], secondsEach: Int = 2, fps: Int = 5, faststart: Bool = false,
                            creationTime: String? = nil, at output: URL) throws {
        var arguments = ["-v", "error", "-y"]
        for name in photos {
            arguments += ["-loop", "1", "-t", "\(secondsEach)", "-r", "\(fps)", "-i", SharedData.seed.appendingPathComponent(name).path]
        }
        let scaled = photos.indices.map { i in
            "[\(i)]scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1[v\(i)]"
        }
        let joined = photos.indices.map { "[v\($0)]" }.joined() + "concat=n=\(photos.count):v=1:a=0,format=yuv420p[out]"
        arguments += ["-filter_complex", (scaled + [joined]).joined(separator: ";"), "-map", "[out]", "-r", "\(fps)",
                      "-c:v", "libx264", "-g", "10"] + (faststart ? ["-movflags", "+faststart"] : [])
            + (creationTime.map { ["-metadata", "creation_time=\($0)"] } ?? []) + [output.path]
        try ffmpeg(arguments)
    }

    /// Stores `video` the way phones store what they film sideways: the pixels turned a quarter
    /// clockwise, and a display rotation in the container that turns them back.
    public static func storeSideways(_ video: URL, at output: URL) throws {
        let turned = output.deletingPathExtension().appendingPathExtension("turned.mp4")
        defer { try? FileManager.default.removeItem(at: turned) }
        try ffmpeg(["-v", "error", "-y", "-i", video.path, "-vf", "transpose=1", "-c:v", "libx264", turned.path])
        try ffmpeg(["-v", "error", "-y", "-i", turned.path, "-c", "copy", "-metadata:s:v:0", "rotate=270", output.path])
    }

    private static func ffmpeg(_ arguments: [String]) throws {
        guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "ffmpeg is needed to make test videos: run scripts/bootstrap (apt-get install ffmpeg)")
        }
        // Blocking (a few seconds): the vision tests that make clips are synchronous, CPU-bound tests.
        let result = try ProcessResult.runBlocking(URL(fileURLWithPath: ffmpeg), arguments)
        guard result.status == 0 else { throw Failure(description: "ffmpeg failed: \(result.stderr)") }
    }
}
