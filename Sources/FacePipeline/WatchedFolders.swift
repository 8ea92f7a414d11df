import Foundation

/// The folders `frs add` was given, which `frs watch` scans again for new files. Kept as one
/// absolute path per line in the data directory.
public struct WatchedFolders: Sendable {
    let file: URL

    public init(directory: DataDirectory) { file = directory.root.appendingPathComponent("folders.txt") }

    public func load() -> [String] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    public func remember(_ folders: [String]) throws {
        let absolute = folders.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let all = Array(Set(load() + absolute)).sorted()
        guard all != load() else { return }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (all.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    }
}
