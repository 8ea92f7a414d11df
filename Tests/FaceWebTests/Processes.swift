import FRSTestSupport
import Foundation
import StoreTestSupport

/// A long-running child process (frs serve, chromedriver) whose output is watched for a line.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var output = ""

    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var text: String { lock.withLock { output } }

    /// Waits for a line containing `marker` and returns that line.
    func waitForLine(containing marker: String, timeout: TimeInterval = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = text.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if !process.isRunning { throw TestFailure("process exited (\(process.terminationStatus)) before '\(marker)':\n\(text)") }
            usleep(50_000)
        }
        throw TestFailure("no '\(marker)' after \(Int(timeout)) s:\n\(text)")
    }

    /// SIGTERM, then SIGKILL after five seconds: chromedriver ignores SIGTERM.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// `frs serve` on a test database and a free port.
final class TestServer: @unchecked Sendable {
    let child: ChildProcess
    let baseURL: String

    init(database: TestDatabase, arguments: [String] = [], environment: [String: String] = [:]) throws {
        child = try ChildProcess(FRSBinary.url, ["serve", "--database", database.location, "--port", "0",
                                                 "--data-dir", database.dataDirectory.root.path] + arguments,
                                 environment: environment)
        let line = try child.waitForLine(containing: "frs serve: listening on ")
        baseURL = String(line[line.range(of: "http://")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    func stop() { child.stop() }
}

/// HTTP through curl: it sends exactly what it is told (no cookie jar, no redirects, paths as-is).
struct HTTPResult {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> Any { try JSONSerialization.jsonObject(with: body) }
}

enum Curl {
    static func request(_ method: String, _ url: String, headers: [String: String] = [:], body: Data? = nil) throws -> HTTPResult {
        let directory = try Paths.temporaryDirectory("frs-curl")
        defer { try? FileManager.default.removeItem(at: directory) }
        let headerFile = directory.appendingPathComponent("headers"), bodyFile = directory.appendingPathComponent("body")
        var arguments = ["-sS", "--path-as-is", "-X", method, "-D", headerFile.path, "-o", bodyFile.path,
                         "-w", "%{http_code}", "--max-time", "120"]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            let file = directory.appendingPathComponent("upload")
            try body.write(to: file)
            arguments += ["--data-binary", "@\(file.path)"]
        }
        let result = try ProcessResult.runBlocking(URL(fileURLWithPath: "/usr/bin/curl"), arguments + [url])
        guard result.status == 0, let status = Int(result.stdout) else {
            throw TestFailure("curl \(method) \(url) failed (\(result.status)): \(result.stderr)")
        }
        var parsed: [String: String] = [:]
        let headerText = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
        for line in headerText.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { parsed[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return HTTPResult(status: status, headers: parsed, body: (try? Data(contentsOf: bodyFile)) ?? Data())
    }

    static func json(_ method: String, _ url: String, _ object: Any, headers: [String: String] = [:]) throws -> HTTPResult {
        try request(method, url, headers: headers.merging(["Content-Type": "application/json"]) { $1 },
                    body: try JSONSerialization.data(withJSONObject: object))
    }
}
