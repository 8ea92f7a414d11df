import Foundation
import Logging
import PostgresNIO

/// The shared store: PostgreSQL, used by many worker processes on several machines at once.
/// Claiming uses `SELECT ... FOR UPDATE SKIP LOCKED`, so workers never wait for or double-claim each
/// other's rows; lease times come from the server clock (`now()`) so machines need not agree on time.
///
/// Values are always bound parameters: `PostgresQuery` string interpolation sends each `\(value)` as
/// `$n`. Only constant SQL fragments go through `\(unescaped:)`.
public final class PostgresStore: FaceStore {
    public var backend: StoreBackend { .postgres }
    /// The connection URL with its password masked, for logs.
    public let displayURL: String
    /// `package`: the tests' fixture SQL (StoreTestSupport) runs on it; nothing else outside FaceStore may.
    package let client: PostgresClient
    /// What `client` was made with; the recognition lock opens a connection of its own with it.
    let configuration: PostgresClient.Configuration
    let runTask: Task<Void, Never>
    let logger: Logger
    public let thumbnailNaming: ThumbnailNaming

    /// Connects lazily to `url` (`postgres://user:password@host:port/database`, optional `?sslmode=`,
    /// `?host=/socket/dir`, and run-time parameters such as `?search_path=`). `schema`, when given,
    /// becomes the connections' `search_path` (tests use one schema each). Call `migrate()` before use.
    public init(url: String, schema: String? = nil, maximumConnections: Int = 4,
                thumbnailNaming: @escaping ThumbnailNaming = Thumbnails.defaultNaming,
                logger: Logger = Logger(label: "frs.store")) throws {
        let parsed = try PostgresURL(url)
        var config: PostgresClient.Configuration
        if let directory = parsed.socketDirectory {
            config = .init(unixSocketPath: directory + "/.s.PGSQL.\(parsed.port)", username: parsed.user,
                           password: parsed.password, database: parsed.database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch parsed.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
            config = .init(host: parsed.host, port: parsed.port, username: parsed.user,
                           password: parsed.password, database: parsed.database, tls: tls)
        }
        var parameters = parsed.parameters
        if let schema {
            parameters.removeAll { $0.0 == "search_path" }
            parameters.append(("search_path", schema))
        }
        config.options.additionalStartupParameters = parameters
        config.options.maximumConnections = max(1, maximumConnections)
        self.displayURL = maskedURL(url)
        self.logger = logger
        self.thumbnailNaming = thumbnailNaming
        // The pool's own logger only at error level: it warns about every query that races the
        // start of run() below, which is harmless (the query waits) and alarming to read.
        var backgroundLogger = logger
        backgroundLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: config, backgroundLogger: backgroundLogger)
        self.client = client
        self.configuration = config
        self.runTask = Task { await client.run() }
    }

    public func close() async throws {
        // Cancelling run() closes the pool's connections gracefully.
        runTask.cancel()
        await runTask.value
    }

    // MARK: Helpers

    /// One transaction on one pooled connection; rolled back when `body` throws.
    /// How often a transaction the server chose as deadlock victim is run again.
    static let deadlockRetries = 5

    func transaction<T: Sendable>(_ operation: String, id: Int64? = nil,
                                  _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await storeOperation(operation, .postgres, id: id) {
            let watch = ConnectionWatch(operation: operation, server: displayURL, logger: logger)
            defer { watch.connected() }
            var attempt = 0
            while true {
                attempt += 1
                do {
                    return try await client.withTransaction(logger: logger) { connection in
                        watch.connected()
                        return try await body(connection)
                    }
                } catch let error as PostgresTransactionError {
                    // Surface the error that mattered (e.g. our lease-lost error), not the wrapper.
                    let cause = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error
                    // Two writers moving faces between the same persons (the face-count trigger updates
                    // both) can deadlock; the server rolls one back, and running it again is safe.
                    if let psql = cause as? PSQLError, psql.serverInfo?[.sqlState] == "40P01", attempt < Self.deadlockRetries {
                        continue
                    }
                    throw cause
                }
            }
        }
    }

    func read<T: Sendable>(_ operation: String, id: Int64? = nil,
                           _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await storeOperation(operation, .postgres, id: id) {
            let watch = ConnectionWatch(operation: operation, server: displayURL, logger: logger)
            defer { watch.connected() }
            return try await client.withConnection { connection in
                watch.connected()
                return try await body(connection)
            }
        }
    }
}

/// Says so when the pool has not handed out a connection for a while. While the server is away,
/// postgres-nio queues queries and reconnects without a word; the work resumes by itself when the
/// server is back, but a silent hang tells the person watching nothing.
final class ConnectionWatch: Sendable {
    private let task: Task<Void, Never>

    init(operation: String, server: String, logger: Logger) {
        task = Task {
            var waited = 0, delay = 10
            while true {
                do { try await Task.sleep(for: .seconds(delay)) } catch { return }
                waited += delay
                logger.warning("waiting for a PostgreSQL connection; is the server up?",
                               metadata: ["operation": "\(operation)", "server": "\(server)", "seconds": "\(waited)"])
                delay = min(delay * 2, 60)
            }
        }
    }

    func connected() { task.cancel() }
}

// MARK: - Query helpers

extension PostgresConnection {
    /// Runs a query and collects its rows.
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }

    /// Runs a statement, draining any rows.
    func run(_ query: PostgresQuery, _ logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}
