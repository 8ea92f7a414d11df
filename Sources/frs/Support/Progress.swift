import Foundation

/// A progress line on a terminal (done/total, rate, ETA); silent when standard error is not a terminal.
struct Progress {
    private(set) var total: Int
    let label: String
    private(set) var done = 0
    /// Extra text after the counts, e.g. "12 faces".
    var detail = ""
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let enabled = Console.isTerminal

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    mutating func advance(by count: Int = 1) {
        done += count
        if done > total { total = done }
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
        lastDraw = Date()
        draw()
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func draw() {
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let extra = detail.isEmpty ? "" : "  " + detail
        let line = String(format: "\r\u{1B}[K%d/%d %@%@  %.1f/s  ETA %@", done, total, label, extra, rate, Self.duration(eta))
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
