import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// A session advisory lock, keyed by the schema, taken on a connection of its own that lives
    /// exactly as long as the lock. The server drops a session lock when the session ends, and the
    /// session ends when its connection does, however the process dies (SIGKILL closes the socket).
    /// The lock is not taken on a pooled connection: one handed back to the pool by a cancelled or
    /// failed body could keep it. Workers on other machines serialise on the same lock.
    public func withRecognitionLock<T: Sendable>(waiting: @Sendable () -> Void,
                                                 _ body: @Sendable () async throws -> T) async throws -> T {
        var configuration = self.configuration
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 1
        var backgroundLogger = logger
        backgroundLogger.logLevel = max(logger.logLevel, .error)
        let lockClient = PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger)
        let running = Task { await lockClient.run() }
        let watch = ConnectionWatch(operation: "recognitionLock", server: displayURL, logger: logger)
        defer { watch.connected() }
        do {
            let result = try await lockClient.withConnection { connection in
                watch.connected()
                try await storeOperation("recognitionLock", .postgres) {
                    try await Self.lockRecognition(connection, waiting: waiting, logger)
                }
                return try await body()
            }
            // Closing the lock's connection ends its session, which releases the lock.
            running.cancel()
            await running.value
            return result
        } catch {
            running.cancel()
            await running.value
            throw error
        }
    }

    /// One key per schema: a library is a schema (tests and several libraries share one database).
    private static let lockKey = "hashtext('frs.recognition.' || COALESCE(current_schema(), ''))"

    private static func lockRecognition(_ connection: PostgresConnection, waiting: () -> Void, _ logger: Logger) async throws {
        let taken = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT pg_try_advisory_lock(\(lockKey)) AS \"taken\""), logger)
            .first?.makeRandomAccess()["taken"].decode(Bool.self) ?? false
        guard !taken else { return }
        waiting()
        try await connection.run(PostgresQuery(unsafeSQL: "SELECT pg_advisory_lock(\(lockKey))"), logger)
    }
}
