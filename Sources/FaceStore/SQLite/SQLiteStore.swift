import Foundation
import GRDB

/// The default store: one SQLite file in WAL mode with foreign keys on and a busy timeout, so several
/// worker processes on one machine can share it. Writes use `BEGIN IMMEDIATE` transactions: the write
/// lock is taken up front, which makes read-then-write sequences (claiming, completing) atomic
/// across processes.
public final class SQLiteStore: FaceStore {
    public var backend: StoreBackend { .sqlite }
    public let path: String
    let pool: DatabasePool
    public let thumbnailNaming: ThumbnailNaming

    /// Opens (creating if needed) the database file. Call `migrate()` before use.
    public init(path: String, busyTimeout: TimeInterval = 30,
                thumbnailNaming: @escaping ThumbnailNaming = Thumbnails.defaultNaming) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "frs"
        self.path = path
        self.thumbnailNaming = thumbnailNaming
        do {
            // DatabasePool switches the file to WAL mode.
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw FaceStoreError(.database, operation: "open", backend: .sqlite, detail: safeDetail(error))
        }
    }

    /// Copies what the write-ahead log holds into the database file first, so that after a command
    /// ends the `.sqlite` file alone holds its work, as a backup copy of that one file expects
    /// (GRDB's close leaves the log as it is). Passive and best effort: while another process is
    /// checkpointing or writing, the log is simply left for later.
    public func close() async throws {
        try await storeOperation("close", .sqlite) {
            _ = try? await pool.writeWithoutTransaction { try $0.checkpoint(.passive) }
            try pool.close()
        }
    }

    // MARK: Helpers

    /// A write transaction that takes SQLite's write lock at BEGIN.
    func write<T: Sendable>(_ operation: String, id: Int64? = nil,
                            _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await storeOperation(operation, .sqlite, id: id) {
            try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    func read<T: Sendable>(_ operation: String, id: Int64? = nil,
                           _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await storeOperation(operation, .sqlite, id: id) { try await pool.read(body) }
    }

    func leaseLost(_ id: Int64, _ why: String) -> FaceStoreError {
        FaceStoreError(.leaseLost, operation: "", backend: .sqlite, id: id, detail: why)
    }
}
