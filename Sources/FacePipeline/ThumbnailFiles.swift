import FaceStore
import FaceVision
import Foundation
import Logging

/// The face thumbnails on disk: written atomically after the faces are committed, and repaired
/// after a crash (missing ones rendered again, orphans removed).
struct ThumbnailFiles: Sendable {
    let directory: DataDirectory
    let side: Int
    let logger: Logger

    // Dots would clash with the separators of temporary names.
    private static let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: ".", with: "_")
    private static let temporaryPrefix = ".tmp."

    /// Writes through a temporary file named after this process, then renames, so that a reader
    /// never sees half a file and a killed writer leaves only a temporary file that `repair` removes.
    func write(_ data: Data, named name: String) throws {
        guard let url = directory.thumbnailURL(named: name) else {
            throw SettingsError("refusing to write thumbnail `\(name)`: not a plain file name")
        }
        let temporary = directory.thumbnails.appendingPathComponent("\(Self.temporaryPrefix)\(Self.host).\(getpid()).\(name)")
        try data.write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw SettingsError("cannot move thumbnail into place at \(url.path): \(String(cString: strerror(code)))")
        }
    }

    struct RepairSummary: Sendable, Equatable {
        var rendered = 0
        var removed = 0
        var unrenderable = 0
    }

    /// Renders thumbnails that are missing for stored faces and removes files that belong to no face.
    /// Files a live process may still be writing are left alone: temporary files of running
    /// processes on this host, and finished files younger than `graceSeconds` (their face rows may
    /// not be visible to this transaction yet).
    func repair(store: any FaceStore, pathMapping: PathMapping, graceSeconds: TimeInterval = 120) async throws -> RepairSummary {
        var summary = RepairSummary()
        var expected = Set<String>()
        var missing: [FaceLocation] = []
        try await store.forEachFacePage { page in
            for face in page {
                guard let name = face.thumbnailName, let url = directory.thumbnailURL(named: name) else { continue }
                expected.insert(name)
                if !FileManager.default.fileExists(atPath: url.path) { missing.append(face) }
            }
        }

        for faces in Dictionary(grouping: missing, by: \.mediaItemId).values {
            let path = faces[0].mediaPath
            do {
                let image = try Image.read(URL(fileURLWithPath: pathMapping.localPath(for: path)), frame: faces[0].frameNumber)
                for face in faces {
                    guard let box = face.box, let name = face.thumbnailName else { continue }
                    try write(Thumbnail.jpeg(of: DetectedFace(stored: box), in: image, side: side), named: name)
                    summary.rendered += 1
                }
            } catch {
                summary.unrenderable += faces.count
                logger.warning("cannot render missing thumbnails", metadata: ["path": "\(path)", "reason": "\(error)"])
            }
        }

        let now = Date()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.thumbnails.path)) ?? []
        for name in files where !expected.contains(name) {
            let url = directory.thumbnails.appendingPathComponent(name)
            if name.hasPrefix(Self.temporaryPrefix) {
                let parts = name.dropFirst(Self.temporaryPrefix.count).split(separator: ".", maxSplits: 2)
                if parts.count == 3, parts[0] == Self.host, let pid = Int32(parts[1]), kill(pid, 0) == 0 { continue }
            } else {
                let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? now
                if now.timeIntervalSince(modified) < graceSeconds { continue }
            }
            do {
                try FileManager.default.removeItem(at: url)
                summary.removed += 1
            } catch {
                logger.warning("cannot remove orphan thumbnail", metadata: ["path": "\(url.path)", "reason": "\(error.localizedDescription)"])
            }
        }
        if summary != RepairSummary() {
            logger.info("thumbnails repaired", metadata: ["rendered": "\(summary.rendered)", "removed": "\(summary.removed)",
                                                          "unrenderable": "\(summary.unrenderable)"])
        }
        return summary
    }
}
