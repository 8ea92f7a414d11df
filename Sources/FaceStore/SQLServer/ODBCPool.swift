import Foundation

/// A thread that owns one ODBC connection and runs jobs on it one at a time. ODBC calls block for
/// as long as the server takes, so they run here and never on Swift's cooperative thread pool;
/// the caller awaits a continuation.
final class ODBCWorker: @unchecked Sendable {
    // `jobs` and `stopped` are guarded by `condition`; `connection` is touched only on the thread.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopped = false
    private var connection: ODBCConnection?
    private let connect: @Sendable () throws -> ODBCConnection

    /// `connect` opens a session (called on the worker's thread, again after the connection broke).
    init(name: String, connect: @escaping @Sendable () throws -> ODBCConnection) {
        self.connect = connect
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty && stopped {
                condition.unlock()
                break
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
        connection?.close()
        connection = nil
    }

    /// Runs `body` on this worker's thread with its connection, connecting first when needed.
    func perform<T: Sendable>(_ body: @escaping @Sendable (ODBCConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = enqueue {
                do {
                    if self.connection?.isBroken ?? true {
                        self.connection?.close()
                        self.connection = nil
                        self.connection = try self.connect()
                    }
                    continuation.resume(returning: try body(self.connection!))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if !accepted {
                continuation.resume(throwing: FaceStoreError(.invalidArgument, operation: "", backend: .sqlServer,
                                                             detail: "the store is closed"))
            }
        }
    }

    /// False when the worker is shutting down (the job is dropped).
    private func enqueue(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Finishes queued jobs, closes the connection and ends the thread.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if stopped {
                condition.unlock()
                continuation.resume()
                return
            }
            jobs.append { [self] in
                connection?.close()
                connection = nil
                continuation.resume()
            }
            stopped = true
            condition.signal()
            condition.unlock()
        }
    }
}

/// A few workers, each with its own connection; a caller waits for a free one.
actor ODBCPool {
    private let maximum: Int
    private let makeWorker: @Sendable (Int) -> ODBCWorker
    private var idle: [ODBCWorker] = []
    private var all: [ODBCWorker] = []
    private var waiters: [CheckedContinuation<ODBCWorker, Never>] = []
    private var closed = false

    init(maximum: Int, makeWorker: @escaping @Sendable (Int) -> ODBCWorker) {
        self.maximum = max(1, maximum)
        self.makeWorker = makeWorker
    }

    func withWorker<T: Sendable>(_ body: @Sendable (ODBCWorker) async throws -> T) async throws -> T {
        let worker = try await checkout()
        defer { checkin(worker) }
        return try await body(worker)
    }

    private func checkout() async throws -> ODBCWorker {
        guard !closed else { throw closedError }
        if let worker = idle.popLast() { return worker }
        if all.count < maximum {
            let worker = makeWorker(all.count + 1)
            all.append(worker)
            return worker
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func checkin(_ worker: ODBCWorker) {
        if waiters.isEmpty {
            idle.append(worker)
        } else {
            waiters.removeFirst().resume(returning: worker)
        }
    }

    private var closedError: FaceStoreError {
        FaceStoreError(.invalidArgument, operation: "", backend: .sqlServer, detail: "the store is closed")
    }

    func close() async {
        closed = true
        let workers = all
        all = []
        idle = []
        for worker in workers { await worker.shutdown() }
    }
}
