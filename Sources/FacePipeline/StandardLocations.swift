import Foundation

/// Where frs keeps its files when no setting says otherwise, following the XDG base directories:
/// `$XDG_CONFIG_HOME/frs/config`, `$XDG_DATA_HOME/frs` and `$XDG_CACHE_HOME/frs/models`, each under
/// `$HOME` (`.config`, `.local/share`, `.cache`) when its variable is unset or not absolute.
///
/// `$HOME` wins over the account's home in the password database, as shells and `sudo -H` expect;
/// only without `$HOME` does the passwd entry count. `$FRS_CONFIG` names the config file itself.
public struct StandardLocations: Sendable, Equatable {
    public var configFile: URL
    public var dataDirectory: URL
    public var modelsDirectory: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func absolute(_ name: String) -> String? {
            environment[name].flatMap { $0.hasPrefix("/") ? $0 : nil }
        }
        let home = absolute("HOME") ?? FileManager.default.homeDirectoryForCurrentUser.path
        func base(_ variable: String, _ fallback: String) -> URL {
            URL(fileURLWithPath: absolute(variable) ?? (home as NSString).appendingPathComponent(fallback), isDirectory: true)
        }
        configFile = environment["FRS_CONFIG"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? base("XDG_CONFIG_HOME", ".config").appendingPathComponent("frs/config")
        dataDirectory = base("XDG_DATA_HOME", ".local/share").appendingPathComponent("frs", isDirectory: true)
        modelsDirectory = base("XDG_CACHE_HOME", ".cache").appendingPathComponent("frs/models", isDirectory: true)
    }
}
