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
    /// Where the thumbnails of a changed file's old faces are deleted.
    let thumbnails: DataDirectory?
    let logger: Logger

    public init(store: any FaceStore, dryRun: Bool = false, videoInterval: Double = 1, thumbnails: DataDirectory?,
                logger: Logger = Logger(label: "frs.add")) {
        self.store = store
        self.dryRun = dryRun
        self.videoInterval = videoInterval
        self.thumbnails = thumbnails
        self.logger = logger
    }

    static func isMedia(_ url: URL) -> Bool { ImageFiles.isImage(url) || VideoFiles.isVideo(url) }
    static func isMedia(name: String) -> Bool { isMedia(URL(fileURLWithPath: name)) }

    /// Photo and video files under each path (files are taken as given when their extension is a
    /// photo's or a video's), sorted by path. Only regular files are media, and links to them: FIFOs,
    /// devices and sockets are reported through `problems` and skipped, since reading one blocks or
    /// never ends. Dangling links and link loops are kept, so that detection records why they fail.
    /// Hidden files, links to folders and the folders in `excluding` (frs's own data directory,
    /// whose thumbnails are photos too) are not looked at. Names that are not valid UTF-8 are
    /// reported and skipped: the databases store paths as UTF-8 text, and a name with its bytes
    /// replaced would name a file that does not exist.
    public static func mediaFiles(in paths: [String], excluding: [URL] = [], problems: (String) -> Void) -> [URL] {
        let excluded = Set(excluding.compactMap { FileIdentity(path: $0.path) })
        var files: [String] = []

        func walk(_ folder: String) {
            if let identity = FileIdentity(path: folder), excluded.contains(identity) { return }
            guard let directory = opendir(folder) else {
                problems("\(Printable.escaped(folder)): cannot list this folder (\(String(cString: strerror(errno)))); check its permissions")
                return
            }
            defer { closedir(directory) }
            var children: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    (Array(raw.prefix { $0 != 0 }), String(validatingCString: raw.baseAddress!.assumingMemoryBound(to: CChar.self)))
                }
                guard let text = name.1 else {
                    problems("\(Printable.escaped(folder))/\(Printable.escaped(bytes: name.0)): the file name is not valid UTF-8, so it cannot be stored; rename it (for example with `convmv -f latin1 -t utf8 --notest`)")
                    continue
                }
                if text.hasPrefix(".") { continue }
                children.append(text)
            }
            for name in children.sorted() {
                let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
                var link = stat()
                guard lstat(path, &link) == 0 else { continue }  // gone since it was listed
                switch link.st_mode & S_IFMT {
                case S_IFDIR: walk(path)
                case S_IFREG: if isMedia(name: name) { files.append(path) }
                case S_IFLNK: if isMedia(name: name) { add(path) }  // a link to a folder is not followed
                default:
                    if isMedia(name: name) { problems("\(Printable.escaped(path)): \(FileProblem.reason(at: path) ?? "not a regular file")") }
                }
            }
        }

        /// A file named directly, or a link met in a folder: regular files and links that lead
        /// nowhere are taken, special files reported.
        func add(_ path: String) {
            var target = stat()
            if stat(path, &target) == 0, FileProblem.specialKind(mode: target.st_mode) != nil {
                problems("\(Printable.escaped(path)): \(FileProblem.reason(at: path) ?? "not a regular file")")
            } else if stat(path, &target) == 0 || errno == ENOENT || errno == ELOOP {
                files.append(path)  // dangling or looping: recorded, then failed with its reason
            }
        }

        /// Whether `path` is an excluded folder or lies inside one.
        func isExcluded(_ path: String) -> Bool {
            var url = URL(fileURLWithPath: path)
            while true {
                if let identity = FileIdentity(path: url.path), excluded.contains(identity) { return true }
                if url.path == "/" || url.path.isEmpty { return false }
                url.deleteLastPathComponent()
            }
        }

        for given in paths {
            let path = URL(fileURLWithPath: given).standardizedFileURL.path
            var info = stat(), link = stat()
            if !excluded.isEmpty, isExcluded(path) {
                problems("\(Printable.escaped(path)): inside frs's own data directory (thumbnails, database), which is never added")
            } else if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                walk(path)
            } else if stat(path, &info) == 0 || lstat(path, &link) == 0 {
                if isMedia(name: path) {
                    add(path)
                } else {
                    problems("\(Printable.escaped(path)): not a photo or video file (\(ImageFiles.extensions.union(VideoFiles.extensions).sorted().joined(separator: ", ")))")
                }
            } else {
                let hint = given.contains("\u{FFFD}") ? " (if its name is not valid UTF-8, rename it to UTF-8 first)" : ""
                problems("\(Printable.escaped(path)): no such file or folder\(hint)")
            }
        }
        return Array(Set(files)).sorted().map { URL(fileURLWithPath: $0) }
    }

    /// A file's device and inode: the same folder however it is spelled (links, `..`, bind mounts).
    struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Records one file.
    public func add(_ url: URL) async throws -> Outcome {
        let path = url.path
        // A known file with the size and modification time on record is not read again: `watch`
        // scans every cycle, and hashing (and probing videos) would re-read the whole library.
        let known = try await store.mediaFile(path: path)
        if let known, Self.looksUnchanged(url, known: known) {
            // Added before frs read dates (schema 4): the date is read once, from the file's header only.
            if !known.captureTimeRead, !dryRun {
                try await store.setCaptureTime(mediaFile: known.id, CaptureTimeReader.captureTime(of: url))
            }
            return .unchanged
        }
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
            // The same content under a new mtime is not a change (`addMedia` keeps its faces).
            return known.size == info.size && known.contentHash == info.contentHash ? .unchanged : .changed
        }
        switch try await store.addMedia(info) {
        case .added(let fileId, let itemId):
            logger.debug("added", metadata: ["media": "\(fileId)", "item": "\(itemId)", "path": "\(path)"])
            return .added
        case .unchanged: return .unchanged
        case .changed(let fileId, let removed):
            logger.info("changed on disk, queued again", metadata: ["media": "\(fileId)", "path": "\(path)"])
            removeThumbnails(removed)
            return .changed
        }
    }

    /// The old faces are gone from the database; their pictures go too, or they would stay on disk
    /// (and be served) showing faces the photo no longer has. A file that cannot be removed now is
    /// an orphan, which the next detection run's repair removes.
    private func removeThumbnails(_ names: [String]) {
        guard let thumbnails else { return }
        for name in names {
            // A file that is not there was never written, or is gone already.
            guard let url = thumbnails.thumbnailURL(named: name), unlink(url.path) != 0, errno != ENOENT else { continue }
            logger.warning("cannot remove the thumbnail of a deleted face",
                           metadata: ["path": "\(url.path)", "reason": "\(String(cString: strerror(errno)))"])
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
        // Never open what is not a regular file: a FIFO blocks, a device never ends.
        if let problem = FileProblem.reason(at: url.path) { throw VisionError.unreadableImage(path: url.path, reason: problem) }
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
        var head: [UInt8]?
        // Chunks are larger than ExifReader.maxBytes: the first one holds a photo's EXIF block.
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            if head == nil { head = [UInt8](chunk.prefix(ExifReader.maxBytes)) }
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let mtime = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
        return MediaFileInfo(path: url.path, size: size, mtime: mtime, contentHash: hash, kind: video == nil ? .image : .video,
                             width: video?.width, height: video?.height, frames: video?.frames,
                             capturedAt: CaptureTimeReader.captureTime(of: url, head: head ?? []))
    }

    static func reason(_ error: Error, path: String) -> String {
        if case VisionError.unreadableImage(_, let reason) = error { return reason }
        return FileProblem.reason(at: path) ?? error.localizedDescription
    }
}
