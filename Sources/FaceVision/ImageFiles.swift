import Foundation

/// Which files are photos frs reads.
public enum ImageFiles {
    public static let extensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp"]

    public static func isImage(_ url: URL) -> Bool { extensions.contains(url.pathExtension.lowercased()) }

    /// Image files under `folder` (recursively), sorted by path.
    public static func list(in folder: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw VisionError.unreadableImage(path: folder.path, reason: "cannot list this folder")
        }
        return enumerator.compactMap { $0 as? URL }.filter(isImage).sorted { $0.path < $1.path }
    }
}
