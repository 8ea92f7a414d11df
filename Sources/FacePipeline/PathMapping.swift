/// Rewrites path prefixes written by another system into paths this machine can open, e.g.
/// `C:/media/` -> `/mnt/media/` (backslashes in the rest of such a path become slashes).
///
/// Text form (config `path_map`, `FRS_PATH_MAP`): `FROM=TO` pairs separated by `;`.
public struct PathMapping: Sendable, Equatable {
    public private(set) var rules: [(from: String, to: String)] = []

    public init() {}

    public init(parsing text: String) throws {
        for pair in text.split(separator: ";") where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw SettingsError("path_map: expected FROM=TO pairs separated by ';', got `\(pair)`")
            }
            rules.append((Self.normalised(parts[0]), parts[1]))
        }
        // Longest prefix first, so that nested mappings win over broad ones.
        rules.sort { $0.from.count > $1.from.count }
    }

    /// The rules in text form, longest prefix first (what `frs config show` prints).
    public var text: String { rules.map { "\($0.from)=\($0.to)" }.joined(separator: ";") }

    public static func == (a: PathMapping, b: PathMapping) -> Bool {
        a.rules.map(\.from) == b.rules.map(\.from) && a.rules.map(\.to) == b.rules.map(\.to)
    }

    /// The local path for a stored path; unchanged when no rule matches.
    public func localPath(for stored: String) -> String {
        let path = Self.normalised(stored)
        for rule in rules where path.lowercased().hasPrefix(rule.from.lowercased()) {
            return rule.to + path.dropFirst(rule.from.count)
        }
        return stored
    }

    /// Windows separators become slashes so that `C:\media\a.jpg` and `C:/media/a.jpg` match alike.
    private static func normalised(_ path: String) -> String { path.replacingOccurrences(of: "\\", with: "/") }
}
