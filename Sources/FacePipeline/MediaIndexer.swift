import Crypto
import FaceStore
import FaceVision
import Foundation
import Logging

/// `frs add`: records photo and video files in the library so that workers detect their faces.
/// A photo becomes one work item; a video one item per sampled frame (one every `videoInterval`
/// seconds), so that workers share a long video and a killed run resumes at the frame it was on.
public struct MediaIndexer: Sendable {
    public enum Outcome: Sendable, Equatable {
        case added
        case unchanged
        /// Known path whose content changed: re-queued, its old faces removed.
        case changed
        /// The same content is already in the library under another path; not queued twice.
        case duplicate(of: String)
        /// Cannot be read now; recorded anyway so that detection marks it failed with the reason.
        case unreadable(String)
    }

    public struct Summary: Sendable, Equatable {
        public var added = 0, unchanged = 0, changed = 0, duplicates = 0, unreadable = 0
        public init() {}
        public var total: Int { added + unchanged + changed + duplicates + unreadable }
    }

    let store: any FaceStore
    let dryRun: Bool
    let videoInterval: Double
    let logger: Logger

    public init(store: any FaceStore, dryRun: Bool = false, videoInterval: Double = 1, logger: Logger = Logger(label: "frs.add")) {
        self.store = store
        self.dryRun = dryRun
        self.videoInterval = videoInterval
        self.logger = logger
    }

    static func isMedia(_ url: URL) -> Bool { ImageFiles.isImage(url) || VideoFiles.isVideo(url) }

    /// Photo and video files under each path (files are taken as given when their extension is a
    /// photo's or a video's). Paths that do not exist are reported through `problems`.
    public static func mediaFiles(in paths: [String], problems: (String) -> Void) -> [URL] {
        var files: [URL] = []
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles]) else {
                        problems("\(url.path): cannot list this folder")
                        continue
                    }
                    files += enumerator.compactMap { $0 as? URL }.filter(isMedia).map(\.standardizedFileURL)
                } else if isMedia(url) {
                    files.append(url)
                } else {
                    problems("\(url.path): not a photo or video file (\(ImageFiles.extensions.union(VideoFiles.extensions).sorted().joined(separator: ", ")))")
                }
            } else if (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil, isMedia(url) {
                files.append(url)  // a dangling link given by name: recorded, then failed with its reason
            } else {
                problems("\(url.path): no such file or folder")
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Records one file.
    public func add(_ url: URL) async throws -> Outcome {
        let path = url.path
        // A known file with the size and modification time on record is not read again: `watch`
        // scans every cycle, and hashing (and probing videos) would re-read the whole library.
        let known = try await store.mediaFile(path: path)
        if let known, Self.looksUnchanged(url, known: known) { return .unchanged }
        let info: MediaFileInfo
        do {
            info = try describe(url)
        } catch {
            let reason = Self.reason(error, path: path)
            // An unreadable file still gets a row (empty hash, one item) so that `detect` reports it as failed.
            if !dryRun, known == nil {
                _ = try await store.addMedia(MediaFileInfo(path: path, size: 0, mtime: Date(timeIntervalSince1970: 0),
                                                           contentHash: "", kind: VideoFiles.isVideo(url) ? .video : .image))
            }
            logger.warning("cannot read file", metadata: ["path": "\(path)", "reason": "\(reason)"])
            return .unreadable(reason)
        }
        if known == nil, let twin = try await store.mediaFiles(contentHash: info.contentHash).first(where: { $0.path != path }) {
            return .duplicate(of: twin.path)
        }
        if dryRun {
            guard let known else { return .added }
            return known.size == info.size && known.contentHash == info.contentHash
                && known.mtime?.timeIntervalSince1970 == info.mtime.timeIntervalSince1970 ? .unchanged : .changed
        }
        switch try await store.addMedia(info) {
        case .added(let fileId, let itemId):
            logger.debug("added", metadata: ["media": "\(fileId)", "item": "\(itemId)", "path": "\(path)"])
            return .added
        case .unchanged: return .unchanged
        case .changed(let fileId):
            logger.info("changed on disk, queued again", metadata: ["media": "\(fileId)", "path": "\(path)"])
            return .changed
        }
    }

    static func looksUnchanged(_ url: URL, known: MediaFile) -> Bool {
        guard let hash = known.contentHash, !hash.isEmpty, let size = known.size, let mtime = known.mtime,
              let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let diskSize = (attributes[.size] as? NSNumber)?.int64Value, let diskTime = attributes[.modificationDate] as? Date
        else { return false }
        return size == diskSize && mtime.timeIntervalSince1970 == diskTime.timeIntervalSince1970
    }

    /// Size, modification time and SHA-256 of a file; for a video also its size and sampled frames.
    func describe(_ url: URL) throws -> MediaFileInfo {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            throw VisionError.unreadableImage(path: url.path, reason: "is a directory, not a photo or video")
        }
        var video: (width: Int, height: Int, frames: [Int])?
        if VideoFiles.isVideo(url) {
            let opened = try Video(contentsOf: url)
            video = (opened.width, opened.height, opened.sampledFrames(every: videoInterval))
        }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let mtime = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
        return MediaFileInfo(path: url.path, size: size, mtime: mtime, contentHash: hash, kind: video == nil ? .image : .video,
                             width: video?.width, height: video?.height, frames: video?.frames)
    }

    static func reason(_ error: Error, path: String) -> String {
        if case VisionError.unreadableImage(_, let reason) = error { return reason }
        return FileProblem.reason(at: path) ?? error.localizedDescription
    }
}
