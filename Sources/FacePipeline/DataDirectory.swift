import Foundation

/// Where frs keeps its own files: the SQLite database, face thumbnails and logs.
///
/// The folder comes from `Settings.dataDirectory` (default `StandardLocations.dataDirectory`). Paths read from the database
/// (thumbnail names) are resolved only through `thumbnailURL(named:)`, which refuses anything that
/// would leave the thumbnails folder.
public struct DataDirectory: Sendable, Equatable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

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
