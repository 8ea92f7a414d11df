import Foundation
import Logging

/// Sets up swift-log for the CLI: readable lines on standard error, and for long-running commands a
/// size-capped rotating file in the data directory. Every line carries time, level, component and
/// metadata (media and face ids); callers never put embeddings, passwords or connection strings in it.
public enum LogOutput {
    public static func bootstrap(level: Logger.Level, file: URL? = nil, maxBytes: Int = 10 << 20, keep: Int = 3) {
        let rotating = file.map { RotatingLogFile(url: $0, maxBytes: maxBytes, keep: keep) }
        LoggingSystem.bootstrap { label in
            var handlers: [LogHandler] = [LineLogHandler(label: label, sink: StandardErrorSink.shared, level: level)]
            if let rotating { handlers.append(LineLogHandler(label: label, sink: rotating, level: level)) }
            return MultiplexLogHandler(handlers)
        }
    }
}

protocol LogSink: Sendable {
    func write(_ line: String)
}

/// `2026-11-30T10:00:00.123Z info detect: item done item=12 faces=3`
struct LineLogHandler: LogHandler {
    let label: String
    let sink: any LogSink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, sink: any LogSink, level: Logger.Level) {
        self.label = label
        self.sink = sink
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        event.metadata?.forEach { merged[$0] = $1 }
        // Escaped: a file name with a newline must not forge a second line, nor one with escape
        // sequences repaint the terminal of whoever reads the log.
        let fields = merged.sorted { $0.key < $1.key }.map { Printable.escaped("\($0.key)=\($0.value)") }.joined(separator: " ")
        let component = label.hasPrefix("frs.") ? String(label.dropFirst(4)) : label
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        sink.write("\(time) \(event.level) \(component): \(Printable.escaped("\(event.message)"))\(fields.isEmpty ? "" : " " + fields)\n")
    }
}

final class StandardErrorSink: LogSink {
    static let shared = StandardErrorSink()
    private let lock = NSLock()

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Appends to `url`; past `maxBytes` it becomes `url.1` (older ones shift up to `url.keep`).
final class RotatingLogFile: LogSink, @unchecked Sendable {
    private let url: URL
    private let maxBytes: Int
    private let keep: Int
    private let lock = NSLock()
    private var handle: FileHandle?
    private var size = 0

    init(url: URL, maxBytes: Int, keep: Int) {
        self.url = url
        self.maxBytes = maxBytes
        self.keep = keep
    }

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        let data = Data(line.utf8)
        if handle == nil { open() }
        if size + data.count > maxBytes { rotate() }
        handle?.write(data)
        size += data.count
    }

    private func open() {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        handle = try? FileHandle(forWritingTo: url)
        size = Int((try? handle?.seekToEnd()) ?? 0)
    }

    private func rotate() {
        try? handle?.close()
        handle = nil
        let fm = FileManager.default
        try? fm.removeItem(atPath: "\(url.path).\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) {
            try? fm.moveItem(atPath: "\(url.path).\(index)", toPath: "\(url.path).\(index + 1)")
        }
        try? fm.moveItem(atPath: url.path, toPath: "\(url.path).1")
        open()
    }
}

/// Text from outside (file names, names, error messages) made safe for a terminal or a log line:
/// control characters (C0, DEL, C1) and the bidirectional overrides that reorder what is shown
/// are written as escapes (`\n`, `\x1b`, `\u{202e}`), so they can neither move the cursor, clear
/// the screen, start a new log line nor disguise a name. Everything else is left as it is.
public enum Printable {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x100: result += "\\x" + hex(scalar.value, width: 2)
            default: result += "\\u{" + hex(scalar.value, width: 4) + "}"
            }
        }
        return result
    }

    /// Bytes that are not valid UTF-8 (a file name from another system): ASCII as it is, the rest as `\xNN`.
    public static func escaped(bytes: [UInt8]) -> String {
        bytes.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + hex(UInt32($0), width: 2) }.joined()
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
