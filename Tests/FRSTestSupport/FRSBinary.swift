import Foundation

/// Helpers shared by the test targets that run the built `frs` executable the way a person would.
public enum FRSBinary {
    /// The `frs` executable of this build: the test bundle sits in the same build folder.
    public static let url: URL = {
        var directory = Bundle.main.bundleURL
        while !directory.path.isEmpty, directory.path != "/" {
            let candidate = directory.appendingPathComponent("frs")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: "frs")
    }()

    /// Runs frs to the end and returns its status and output.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await ProcessResult.run(url, arguments, environment: environment)
    }

    /// A frs process, not started yet, writing standard output and error to `output` (or nowhere).
    public static func process(_ arguments: [String], output: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        if let output {
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        return process
    }
}

public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutData: Data

    /// Runs `executable` to the end on a thread of its own: waiting on a cooperative thread would starve
    /// every other test's tasks (there are as many cooperative threads as cores).
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await offCooperativePool { try runBlocking(executable, arguments, environment: environment) }
    }

    /// Runs `executable` to the end on the calling thread. Only for short commands (curl against a
    /// local server) and for clean-up in `defer`, where nothing can be awaited.
    public static func runBlocking(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs so that neither fills up.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
    }
}

/// Runs blocking work (waiting for a process, a pipe, a socket) on a thread of its own and awaits it.
/// Swift's cooperative pool has one thread per core; a test that blocks one stalls the tasks of every
/// test running beside it, in-process web servers included.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

extension Process {
    /// Waits for the process to exit without holding a cooperative thread.
    public func exited() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        waitUntilExit()
    }
}

/// The evaluation data: `../shared/data` beside the repository, or `$FRS_SHARED_DATA`.
public enum SharedData {
    public static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["FRS_SHARED_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data", isDirectory: true)
    }()

    /// The model cache the tests use: `$FRS_MODELS` (CI and the helper scripts set it), else frs's default.
    public static let models: URL = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["FRS_MODELS"], !path.isEmpty { return URL(fileURLWithPath: path, isDirectory: true) }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/frs/models", isDirectory: true)
    }()

    public static var seed: URL { root.appendingPathComponent("seed", isDirectory: true) }
    public static var lfw: URL { root.appendingPathComponent("lfw", isDirectory: true) }
    public static var wider: URL { root.appendingPathComponent("wider", isDirectory: true) }
}
