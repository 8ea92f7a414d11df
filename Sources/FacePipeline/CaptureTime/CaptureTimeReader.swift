import FaceStore
import FaceVision
import Foundation

/// When a photo or video was taken, as the file says: EXIF `DateTimeOriginal` for a photo, the movie
/// header's creation time for an ISO media video, else nil. Reading never fails: a file without a
/// date, or with one that cannot be read, simply has none.
public enum CaptureTimeReader {
    /// For a file being hashed: `head` is its first bytes (at least `ExifReader.maxBytes` of them, or
    /// the whole file), so a photo is not read twice.
    static func captureTime(of url: URL, head: [UInt8]) -> CaptureTime? {
        VideoFiles.isVideo(url) ? MovieHeaderReader.captureTime(url: url) : ExifReader.captureTime(fileHead: head)
    }

    /// Reads the date of a file on its own (`frs add` filling in the dates of files it already knew).
    public static func captureTime(of url: URL) -> CaptureTime? {
        // Never open what is not a regular file: a FIFO blocks, a device never ends.
        guard FileProblem.reason(at: url.path) == nil else { return nil }
        if VideoFiles.isVideo(url) { return MovieHeaderReader.captureTime(url: url) }
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: ExifReader.maxBytes) else { return nil }
        return ExifReader.captureTime(fileHead: [UInt8](head))
    }
}
