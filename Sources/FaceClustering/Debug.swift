import Foundation

/// Set FRS_CLUSTER_DEBUG=1 to log stage timings to stderr (used by ClusterBench).
let debugTiming = ProcessInfo.processInfo.environment["FRS_CLUSTER_DEBUG"] == "1"
nonisolated(unsafe) private var debugStart = Date()

func debugLog(_ message: @autoclosure () -> String) {
    guard debugTiming else { return }
    FileHandle.standardError.write(String(format: "[%8.3f s] %@\n", Date().timeIntervalSince(debugStart), message()).data(using: .utf8)!)
}
