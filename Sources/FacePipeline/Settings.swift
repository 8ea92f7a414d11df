import FaceStore
import FaceVision
import Foundation

/// Every setting frs runs with, and where each value came from.
///
/// Values are layered: built-in defaults, then the config file (`$FRS_CONFIG`, default
/// `$XDG_CONFIG_HOME/frs/config` or `~/.config/frs/config`: `key = value` lines, `#` comments, like
/// the original system's `.env`), then `FRS_*` environment variables, then command-line flags (applied
/// by the caller with `set(_:_:source:)`).
public struct Settings: Sendable {
    public enum Key: String, CaseIterable, Sendable {
        case database
        case dataDirectory = "data_dir"
        case modelsDirectory = "models_dir"
        case threshold
        case maxSide = "max_side"
        case smallFaces = "small_faces"
        case thumbnailSize = "thumbnail_size"
        case workers
        case leaseSeconds = "lease_seconds"
        case pathMap = "path_map"
        case logLevel = "log_level"
        case watchInterval = "watch_interval"
        case videoInterval = "video_interval"
        case engine
        case precision

        /// The environment variable that overrides this key.
        public var environmentName: String {
            switch self {
            case .database: "FRS_DATABASE_URL"
            case .dataDirectory: "FRS_DATA"
            case .modelsDirectory: "FRS_MODELS"
            default: "FRS_" + rawValue.uppercased()
            }
        }

        var isSecret: Bool { self == .database }
    }

    public enum Source: String, Sendable {
        case defaults = "default", file, environment, flag
    }

    public struct Value: Sendable {
        public var text: String
        public var source: Source
    }

    public private(set) var values: [Key: Value] = [:]
    public let configFile: URL

    public static var defaultConfigFile: URL {
        let env = ProcessInfo.processInfo.environment
        if let path = env["FRS_CONFIG"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config").path
        return URL(fileURLWithPath: base).appendingPathComponent("frs/config")
    }

    /// Loads defaults, the config file and the environment.
    public init(configFile: URL = Settings.defaultConfigFile,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.configFile = configFile
        let defaults: [Key: String] = [
            .threshold: "0.9", .maxSide: "1024", .smallFaces: "false", .thumbnailSize: "160",
            .workers: "1", .leaseSeconds: "600", .logLevel: "info", .watchInterval: "30",
            .videoInterval: "1", .engine: "auto", .precision: "auto",
        ]
        for (key, text) in defaults { values[key] = Value(text: text, source: .defaults) }
        if FileManager.default.fileExists(atPath: configFile.path) {
            let text: String
            do { text = try String(contentsOf: configFile, encoding: .utf8) } catch {
                throw SettingsError("cannot read the config file \(configFile.path): \(error.localizedDescription)")
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                guard !content.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                let parts = content.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let key = Key(rawValue: parts[0].lowercased().replacingOccurrences(of: "-", with: "_")) else {
                    throw SettingsError("\(configFile.path):\(number + 1): expected `key = value` with one of: \(Key.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                try set(key, Self.unquoted(parts[1]), source: .file)
            }
        }
        for key in Key.allCases {
            if let text = environment[key.environmentName], !text.isEmpty { try set(key, text, source: .environment) }
        }
    }

    /// Sets a value (validated); flags use this after loading.
    public mutating func set(_ key: Key, _ text: String, source: Source) throws {
        try Self.validate(key, text)
        values[key] = Value(text: text, source: source)
    }

    static func unquoted(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    private static func validate(_ key: Key, _ text: String) throws {
        func fail(_ expected: String) -> SettingsError { SettingsError("\(key.rawValue) = \(key.isSecret ? "***" : text): expected \(expected)") }
        switch key {
        case .threshold: guard let v = Float(text), (0...1).contains(v) else { throw fail("a number between 0 and 1") }
        case .maxSide: guard let v = Int(text), v >= 32 else { throw fail("a whole number of pixels, at least 32") }
        case .thumbnailSize: guard let v = Int(text), (16...1024).contains(v) else { throw fail("a size between 16 and 1024 pixels") }
        case .workers: guard let v = Int(text), (1...64).contains(v) else { throw fail("between 1 and 64 workers") }
        case .leaseSeconds, .watchInterval, .videoInterval: guard let v = Double(text), v > 0 else { throw fail("a positive number of seconds") }
        case .smallFaces: guard Self.bool(text) != nil else { throw fail("true or false") }
        case .logLevel: guard LogLevelName(rawValue: text.lowercased()) != nil else { throw fail("one of trace, debug, info, notice, warning, error") }
        case .pathMap: _ = try PathMapping(parsing: text)
        case .engine: guard EngineChoice(rawValue: text.lowercased()) != nil else { throw fail("auto, openvino or opencv") }
        case .precision: guard Precision(rawValue: text.lowercased()) != nil else { throw fail("auto, f32 or bf16") }
        case .database, .dataDirectory, .modelsDirectory: guard !text.isEmpty else { throw fail("a value") }
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }

    private func text(_ key: Key) -> String? { values[key]?.text }

    // MARK: Typed values

    public var dataDirectory: DataDirectory {
        text(.dataDirectory).map { DataDirectory(root: URL(fileURLWithPath: $0, isDirectory: true)) } ?? .default
    }

    /// A `postgres://` URL or a SQLite file path; default the SQLite file in the data directory.
    public var database: String { text(.database) ?? dataDirectory.databaseURL.path }

    public var models: ModelStore {
        ModelStore(directory: text(.modelsDirectory).map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ModelStore.defaultDirectory)
    }

    public var detectorOptions: RetinaFace.Options {
        var options = RetinaFace.Options()
        options.scoreThreshold = Float(text(.threshold) ?? "") ?? 0.9
        let maxSide = Int(text(.maxSide) ?? "") ?? 1024
        options.longerSide = min(640, maxSide)...maxSide
        options.smallFaces = Self.bool(text(.smallFaces) ?? "") ?? false
        return options
    }

    public var thumbnailSize: Int { Int(text(.thumbnailSize) ?? "") ?? 160 }
    public var workers: Int { Int(text(.workers) ?? "") ?? 1 }
    public var leaseSeconds: Double { Double(text(.leaseSeconds) ?? "") ?? 600 }
    public var watchInterval: Double { Double(text(.watchInterval) ?? "") ?? 30 }
    /// A video is looked at one frame every this many seconds.
    public var videoInterval: Double { Double(text(.videoInterval) ?? "") ?? 1 }
    public var logLevel: String { text(.logLevel) ?? "info" }
    public var pathMapping: PathMapping { (try? PathMapping(parsing: text(.pathMap) ?? "")) ?? PathMapping() }

    /// Which inference engine runs the networks, and in what precision.
    public var engineChoice: EngineChoice { EngineChoice(rawValue: (text(.engine) ?? "").lowercased()) ?? .auto }
    public var precision: Precision { Precision(rawValue: (text(.precision) ?? "").lowercased()) ?? .auto }

    /// The engine `engine` and `precision` ask for (an unavailable OpenVINO under `auto` gives OpenCV and a notice).
    public func inferenceEngine(notice: (String) -> Void = { _ in }) throws -> InferenceEngine {
        try InferenceEngine.select(engineChoice, precision: precision, models: models, notice: notice)
    }

    /// Every key with its effective value (secrets masked) and source, for `frs config show`.
    public var described: [(key: String, value: String, source: String)] {
        Key.allCases.map { key in
            let value: String
            switch key {
            case .database: value = maskedURL(database)
            case .dataDirectory: value = dataDirectory.root.path
            case .modelsDirectory: value = models.directory.path
            default: value = text(key) ?? ""
            }
            let source = values[key]?.source.rawValue ?? Source.defaults.rawValue
            return (key.rawValue, value, source)
        }
    }
}

public enum LogLevelName: String, CaseIterable, Sendable {
    case trace, debug, info, notice, warning, error, critical
}

public struct SettingsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
