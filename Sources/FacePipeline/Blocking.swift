import Dispatch

/// Runs CPU-bound, blocking work (decoding, inference) off Swift's cooperative thread pool, so that
/// database I/O awaiting in other tasks keeps running.
func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try work() })
        }
    }
}
