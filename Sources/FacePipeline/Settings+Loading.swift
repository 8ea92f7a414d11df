import FaceStore
import FaceVision
import Foundation

// The one place where text from the config file, the environment and flags becomes typed settings.

extension Settings {
    /// A setting's name in the config file (`key = value`); `environmentName` is its variable.
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
        case webToken = "web_token"
        case engine
        case precision
        case embeddingFlip = "embedding_flip"

        /// The environment variable that overrides this key.
        public var environmentName: String {
            switch self {
            case .database: "FRS_DATABASE_URL"
            case .dataDirectory: "FRS_DATA"
            case .modelsDirectory: "FRS_MODELS"
            default: "FRS_" + rawValue.uppercased()
            }
        }

        /// Never echoed in messages (a database URL may hold a password).
        var isSecret: Bool { self == .database || self == .webToken }
    }

    public enum Source: String, Sendable {
        case defaults = "default", file, environment, flag
    }

    /// Defaults, then the config file (`$FRS_CONFIG`, else `config` in the standard config folder: `key = value`
    /// lines, `#` comments, like the original system's `.env`), then `FRS_*` variables. Flags come after, through
    /// `set(_:_:source:)`.
    public static func load(configFile: URL? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        var locations = StandardLocations(environment: environment)
        if let configFile { locations.configFile = configFile }
        var settings = Settings(locations: locations)
        try settings.read(configFile: locations.configFile)
        for key in Key.allCases {
            if let text = environment[key.environmentName], !text.isEmpty { try settings.set(key, text, source: .environment) }
        }
        return settings
    }

    private mutating func read(configFile: URL) throws {
        guard FileManager.default.fileExists(atPath: configFile.path) else { return }
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

    /// Sets a value from its text, validated the same way wherever it comes from.
    public mutating func set(_ key: Key, _ text: String, source: Source) throws {
        func fail(_ expected: String) -> SettingsError {
            SettingsError("\(key.rawValue) = \(key.isSecret ? "***" : text): expected \(expected)")
        }
        func seconds() throws -> Double {
            guard let v = Double(text), v > 0 else { throw fail("a positive number of seconds") }
            return v
        }
        switch key {
        case .database, .dataDirectory, .modelsDirectory, .webToken:
            guard !text.isEmpty else { throw fail("a value") }
            switch key {
            case .database: databaseLocation = text
            case .dataDirectory: dataDirectory = DataDirectory(root: URL(fileURLWithPath: text, isDirectory: true))
            case .modelsDirectory: modelsDirectory = URL(fileURLWithPath: text, isDirectory: true)
            default: webToken = text
            }
        case .threshold:
            guard let v = Float(text), (0...1).contains(v) else { throw fail("a number between 0 and 1") }
            detection.threshold = v
        case .maxSide:
            guard let v = Int(text), v >= 32 else { throw fail("a whole number of pixels, at least 32") }
            detection.maxSide = v
        case .smallFaces:
            guard let v = Self.bool(text) else { throw fail("true or false") }
            detection.smallFaces = v
        case .thumbnailSize:
            guard let v = Int(text), (16...1024).contains(v) else { throw fail("a size between 16 and 1024 pixels") }
            thumbnailSize = v
        case .workers:
            guard let v = Int(text), (1...64).contains(v) else { throw fail("between 1 and 64 workers") }
            workers = v
        case .leaseSeconds: leaseSeconds = try seconds()
        case .watchInterval: watchInterval = try seconds()
        case .videoInterval: videoInterval = try seconds()
        case .pathMap: pathMapping = try PathMapping(parsing: text)
        case .logLevel:
            guard let v = LogLevelName(rawValue: text.lowercased()) else { throw fail("one of trace, debug, info, notice, warning, error") }
            logLevel = v
        case .engine:
            guard let v = EngineChoice(rawValue: text.lowercased()) else { throw fail("auto, openvino or opencv") }
            engine = v
        case .precision:
            guard let v = Precision(rawValue: text.lowercased()) else { throw fail("auto, f32, bf16 or int8") }
            precision = v
        case .embeddingFlip:
            guard let v = Self.bool(text) else { throw fail("true or false") }
            embeddingFlip = v
        }
        sources[key] = source
    }

    static func unquoted(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }

    /// Every key with its effective value (secrets masked) and source, for `frs config show`.
    public var described: [(key: String, value: String, source: String)] {
        Key.allCases.map { key in
            let value: String = switch key {
            case .database: maskedURL(database)
            case .dataDirectory: dataDirectory.root.path
            case .modelsDirectory: modelsDirectory.path
            case .threshold: "\(detection.threshold)"
            case .maxSide: "\(detection.maxSide)"
            case .smallFaces: "\(detection.smallFaces)"
            case .thumbnailSize: "\(thumbnailSize)"
            case .workers: "\(workers)"
            case .leaseSeconds: Self.number(leaseSeconds)
            case .pathMap: pathMapping.text
            case .logLevel: logLevel.rawValue
            case .watchInterval: Self.number(watchInterval)
            case .videoInterval: Self.number(videoInterval)
            case .webToken: webToken == nil ? "" : "***"
            case .engine: engine.rawValue
            case .precision: precision.rawValue
            case .embeddingFlip: "\(embeddingFlip)"
            }
            return (key.rawValue, value, (sources[key] ?? .defaults).rawValue)
        }
    }

    /// `600` rather than `600.0`.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
