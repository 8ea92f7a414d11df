import Foundation

extension SQLiteStore {
    /// The lock file beside the database (`frs.sqlite.recognition-lock`).
    public var recognitionLockPath: String { path + ".recognition-lock" }

    /// An exclusive `flock` on a file beside the database. The kernel drops a flock when the file
    /// descriptor closes, and a process's descriptors close however it ends, SIGKILL included, so a
    /// dead holder never blocks the next run; a lease row in the database would stay until it
    /// expired. SQLite itself needs a local file system, where flock works.
    public func withRecognitionLock<T: Sendable>(waiting: @Sendable () -> Void,
                                                 _ body: @Sendable () async throws -> T) async throws -> T {
        let lock = try await storeOperation("recognitionLock", .sqlite) {
            try await FileLock.acquire(path: recognitionLockPath, waiting: waiting)
        }
        defer { lock.release() }
        return try await body()
    }
}

/// An exclusive flock held through an open descriptor; `release` (or the process ending) drops it.
final class FileLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Opens (creating) the file and locks it, polling while another descriptor holds it: a blocking
    /// flock would tie up a thread of Swift's small cooperative pool, and could not be cancelled.
    static func acquire(path: String, waiting: () -> Void) async throws -> FileLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot open the lock file \(path)") }
        var told = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(descriptor)
                throw failure("cannot lock \(path)", code: code)
            }
            if !told {
                waiting()
                told = true
            }
            do {
                try await Task.sleep(for: .milliseconds(200))
            } catch {
                close(descriptor)
                throw error
            }
        }
        return FileLock(descriptor: descriptor)
    }

    func release() {
        // Closing the descriptor drops the lock.
        close(descriptor)
    }

    private static func failure(_ what: String, code: Int32 = errno) -> FaceStoreError {
        FaceStoreError(.database, operation: "", backend: .sqlite, detail: "\(what): \(String(cString: strerror(code)))")
    }
}
