import Foundation

/// Where frs keeps its own files: the SQLite database, face thumbnails and logs.
///
/// Default `$FRS_DATA` or `$XDG_DATA_HOME/frs` (`~/.local/share/frs`). Paths read from the database
/// (thumbnail names) are resolved only through `thumbnailURL(named:)`, which refuses anything that
/// would leave the thumbnails folder.
public struct DataDirectory: Sendable, Equatable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public static var `default`: DataDirectory {
        let env = ProcessInfo.processInfo.environment
        if let path = env["FRS_DATA"], !path.isEmpty { return DataDirectory(root: URL(fileURLWithPath: path, isDirectory: true)) }
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share").path
        return DataDirectory(root: URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent("frs", isDirectory: true))
    }

    public var databaseURL: URL { root.appendingPathComponent("frs.sqlite") }
    public var thumbnails: URL { root.appendingPathComponent("thumbnails", isDirectory: true) }
    public var logs: URL { root.appendingPathComponent("logs", isDirectory: true) }

    /// The thumbnail file for a name stored in `Faces.Name`; nil when the name is not a plain file
    /// name (a path separator, `..`, or anything else that could escape the folder).
    public func thumbnailURL(named name: String) -> URL? {
        guard Self.isSafeFileName(name) else { return nil }
        let url = thumbnails.appendingPathComponent(name).standardizedFileURL
        guard url.deletingLastPathComponent().path == thumbnails.standardizedFileURL.path else { return nil }
        return url
    }

    static func isSafeFileName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 255 && name != "." && name != ".." && !name.hasPrefix(".")
            && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
    }

    public func create() throws {
        for folder in [root, thumbnails] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }
}
