import FaceStore
import Foundation

/// When a video was recorded, from an ISO base media file (`.mp4`, `.mov`, `.m4v`, `.3gp`): the
/// creation time in the `moov/mvhd` box, seconds since 1904-01-01 UTC (32 bits in version 0, 64 in
/// version 1; 0 means not set). The standard defines it as UTC, so it is kept as an instant with offset 0.
///
/// Only box headers are read, and `moov` may come after the media data at the end of the file, so
/// the walk seeks from header to header instead of reading the file: a few dozen small reads however
/// large the video, never more than `maxBoxes` boxes.
enum MovieHeaderReader {
    static let extensions: Set<String> = ["mp4", "m4v", "mov", "3gp"]
    static let maxBoxes = 4096
    /// 1904-01-01 to 1970-01-01 in seconds.
    static let secondsFrom1904To1970: UInt64 = 2_082_844_800

    /// `read(offset, count)` returns up to `count` bytes at `offset` of a file of `size` bytes (fewer at its end).
    static func captureTime(size: UInt64, read: (UInt64, Int) -> [UInt8]?) -> CaptureTime? {
        guard let moov = findBox("moov", from: 0, to: size, read: read),
              let mvhd = findBox("mvhd", from: moov.start, to: moov.end, read: read),
              let body = read(mvhd.start, 12), body.count >= 12 else { return nil }
        let r = ByteReader(body)
        let seconds: UInt64?
        switch r.u8(0) {
        case 0: seconds = r.u32(4).map(UInt64.init)
        case 1: seconds = r.u64(4)
        default: seconds = nil
        }
        // 0 is "not set"; anything before 1970 predates every digital video and is a clock that was never set.
        guard let seconds, seconds > secondsFrom1904To1970, seconds < UInt64(Int64.max) else { return nil }
        return CaptureTime(date: Date(timeIntervalSince1970: Double(seconds - secondsFrom1904To1970)), utcOffsetMinutes: 0)
    }

    /// The payload range of the first box of `type` among the boxes in `from..<to`.
    static func findBox(_ type: String, from: UInt64, to: UInt64, read: (UInt64, Int) -> [UInt8]?) -> (start: UInt64, end: UInt64)? {
        var offset = from
        var visited = 0
        while offset < to, to - offset >= 8, visited < maxBoxes {
            visited += 1
            guard let header = read(offset, 16), header.count >= 8 else { return nil }
            let r = ByteReader(header)
            guard let size32 = r.u32(0) else { return nil }
            var headerLength: UInt64 = 8
            var size = UInt64(size32)
            if size32 == 1 {
                guard let large = r.u64(8) else { return nil }
                size = large
                headerLength = 16
            } else if size32 == 0 {
                size = to - offset  // to the end of the enclosing box (or file)
            }
            guard size >= headerLength, size <= to - offset else { return nil }
            if r.matches(4, type) { return (offset + headerLength, offset + size) }
            offset += size
        }
        return nil
    }

    /// The creation time of the video file at `url`; nil when it is not an ISO media file or has none.
    static func captureTime(url: URL) -> CaptureTime? {
        guard extensions.contains(url.pathExtension.lowercased()), let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        return captureTime(size: size) { offset, count in
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: count) else { return nil }
            return [UInt8](data)
        }
    }
}
