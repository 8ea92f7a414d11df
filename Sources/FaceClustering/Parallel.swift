import Dispatch
import Foundation

/// A raw pointer that may cross into `concurrentPerform` workers. Callers guarantee that
/// workers write disjoint ranges, which is the whole point of the row-block decomposition.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inline(__always) subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

enum Parallel {
    static var workerCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `body(chunk)` for `chunk` in 0..<chunks on all cores.
    static func forEach(_ chunks: Int, _ body: @Sendable (Int) -> Void) {
        if chunks <= 0 { return }
        if chunks == 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
    }

    /// Splits 0..<n into about `perWorker * workers` contiguous ranges and processes them in parallel.
    static func forRanges(_ n: Int, minChunk: Int = 64, perWorker: Int = 8,
                          _ body: @Sendable (Range<Int>) -> Void) {
        if n <= 0 { return }
        let chunks = max(1, min((n + minChunk - 1) / minChunk, workerCount * perWorker))
        let size = (n + chunks - 1) / chunks
        forEach(chunks) { c in
            let lo = c * size, hi = min(n, lo + size)
            if lo < hi { body(lo ..< hi) }
        }
    }
}
