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
    let client: PostgresClient
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
    func transaction<T: Sendable>(_ operation: String, id: Int64? = nil,
                                  _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await storeOperation(operation, .postgres, id: id) {
            let watch = ConnectionWatch(operation: operation, server: displayURL, logger: logger)
            defer { watch.connected() }
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    watch.connected()
                    return try await body(connection)
                }
            } catch let error as PostgresTransactionError {
                // Surface the error that mattered (e.g. our lease-lost error), not the wrapper.
                throw error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error
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

    // MARK: Schema

    public func migrate() async throws {
        try await transaction("migrate") { db in
            // Many workers may start at once: serialise migrators per schema for this transaction.
            try await db.run(#"SELECT pg_advisory_xact_lock(hashtext('frs.migrate.' || COALESCE(current_schema(), '')))"#, logger)
            try await db.run("""
                CREATE TABLE IF NOT EXISTS "schema_migrations" (
                    "version" INTEGER PRIMARY KEY,
                    "name" TEXT NOT NULL,
                    "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger)
            let applied = Set(try await db.rows(#"SELECT "version" FROM "schema_migrations""#, logger)
                .map { try $0.makeRandomAccess()["version"].decode(Int.self) })
            for migration in Migrations.all where !applied.contains(migration.version) {
                for statement in migration.postgres {
                    try await db.run(PostgresQuery(unsafeSQL: statement), logger)
                }
                try await db.run("""
                    INSERT INTO "schema_migrations" ("version", "name") VALUES (\(migration.version), \(migration.name))
                    """, logger)
            }
        }
    }

    public func schemaVersion() async throws -> Int {
        try await read("schemaVersion") { db in
            let exists = try await db.rows(#"SELECT to_regclass('"schema_migrations"') IS NOT NULL AS "e""#, logger)
                .first?.makeRandomAccess()["e"].decode(Bool.self) ?? false
            guard exists else { return 0 }
            return try await db.rows(#"SELECT COALESCE(MAX("version"), 0) AS "v" FROM "schema_migrations""#, logger)
                .first?.makeRandomAccess()["v"].decode(Int.self) ?? 0
        }
    }

    // MARK: Media

    public func addMedia(_ info: MediaFileInfo) async throws -> AddOutcome {
        try await transaction("addMedia") { db in
            // ON CONFLICT: two machines adding the same path at once both succeed, one of them as "known".
            let inserted = try await db.rows("""
                INSERT INTO "MediaFile" ("FilePath", "FileName", "Extension", "Size", "MTime", "ContentHash",
                                         "Kind", "Width", "Height")
                VALUES (\(info.path), \(info.fileName), \(info.fileExtension), \(info.size),
                        \(info.mtime.timeIntervalSince1970), \(info.contentHash), \(info.kind.rawValue),
                        \(info.width), \(info.height))
                ON CONFLICT ("FilePath") DO NOTHING
                RETURNING "Id"
                """, logger)
            if let row = inserted.first {
                let fileId = try row.makeRandomAccess()["Id"].decode(Int64.self)
                return .added(fileId: fileId, itemId: try await insertItems(db, fileId: fileId, info: info))
            }
            let existing = try await db.rows("""
                SELECT "Id", "Size", "MTime", "ContentHash" FROM "MediaFile" WHERE "FilePath" = \(info.path) FOR UPDATE
                """, logger)[0].makeRandomAccess()
            let fileId = try existing["Id"].decode(Int64.self)
            let stored = StoredMetadata(size: try existing["Size"].decode(Int64?.self),
                                        mtime: try existing["MTime"].decode(Double?.self),
                                        hash: try existing["ContentHash"].decode(String?.self))
            let decision = stored.compare(with: info)
            if decision == .same { return .unchanged(fileId: fileId) }
            try await db.run("""
                UPDATE "MediaFile" SET "FileName" = \(info.fileName), "Extension" = \(info.fileExtension),
                       "Size" = \(info.size), "MTime" = \(info.mtime.timeIntervalSince1970),
                       "ContentHash" = \(info.contentHash), "Kind" = \(info.kind.rawValue), "Width" = \(info.width),
                       "Height" = \(info.height), "ModifiedAt" = now()
                WHERE "Id" = \(fileId)
                """, logger)
            if decision == .legacy { return .unchanged(fileId: fileId) }
            let thumbnails = try await db.rows("""
                DELETE FROM "Faces" WHERE "MediaItemId" IN (SELECT "Id" FROM "MediaItems" WHERE "MediaFileId" = \(fileId))
                RETURNING "Name"
                """, logger).compactMap { try $0.makeRandomAccess()["Name"].decode(String?.self) }
            if info.frameItems != nil {
                try await db.run(#"DELETE FROM "MediaItems" WHERE "MediaFileId" = \#(fileId)"#, logger)
                _ = try await insertItems(db, fileId: fileId, info: info)
                return .changed(fileId: fileId, removedThumbnails: thumbnails)
            }
            try await db.run("""
                UPDATE "MediaItems" SET "Status" = 'pending', "IsFacesExtracted" = FALSE, "FacesExtractedOn" = NULL,
                       "Error" = NULL, "Attempts" = 0, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = now()
                WHERE "MediaFileId" = \(fileId)
                """, logger)
            return .changed(fileId: fileId, removedThumbnails: thumbnails)
        }
    }

    /// Inserts a file's pending items (one per video frame, or one without a frame); returns the first id.
    private func insertItems(_ db: PostgresConnection, fileId: Int64, info: MediaFileInfo) async throws -> Int64 {
        let rows: [PostgresRow]
        if let items = info.frameItems {
            // One statement for all of a video's frames, however many.
            rows = try await db.rows("""
                INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted", "Status", "Attempts")
                SELECT \(fileId), n, f, FALSE, 'pending', 0 FROM UNNEST(\(items.names)::text[], \(items.frames)::integer[]) AS t(n, f)
                ORDER BY f
                RETURNING "Id"
                """, logger)
        } else {
            rows = try await db.rows("""
                INSERT INTO "MediaItems" ("MediaFileId", "Name", "FrameNumber", "IsFacesExtracted", "Status", "Attempts")
                VALUES (\(fileId), \(info.fileName), NULL, FALSE, 'pending', 0)
                RETURNING "Id"
                """, logger)
        }
        return try rows.map { try $0.makeRandomAccess()["Id"].decode(Int64.self) }.min()!
    }

    public func mediaFile(path: String) async throws -> MediaFile? {
        try await read("mediaFile") { db in
            try await db.rows(#"SELECT * FROM "MediaFile" WHERE "FilePath" = \#(path)"#, logger).first.map(Self.mediaFile)
        }
    }

    public func mediaFiles(contentHash: String) async throws -> [MediaFile] {
        try await read("mediaFiles") { db in
            try await db.rows(#"SELECT * FROM "MediaFile" WHERE "ContentHash" = \#(contentHash) ORDER BY "Id""#, logger)
                .map(Self.mediaFile)
        }
    }

    static func mediaFile(_ row: PostgresRow) throws -> MediaFile {
        let r = row.makeRandomAccess()
        return MediaFile(id: try r["Id"].decode(Int64.self), path: try r["FilePath"].decode(String.self),
                         fileName: try r["FileName"].decode(String?.self),
                         fileExtension: try r["Extension"].decode(String?.self),
                         size: try r["Size"].decode(Int64?.self),
                         mtime: try r["MTime"].decode(Double?.self).map { Date(timeIntervalSince1970: $0) },
                         contentHash: try r["ContentHash"].decode(String?.self),
                         kind: try r["Kind"].decode(String?.self).flatMap(MediaKind.init(rawValue:)),
                         width: try r["Width"].decode(Int?.self), height: try r["Height"].decode(Int?.self))
    }

    // MARK: Work queue

    static let workItemColumns = """
        i."Id", i."MediaFileId", f."FilePath", i."Name", i."FrameNumber", f."Kind", i."Attempts",
        i."LeaseOwner", i."LeaseExpiresAt"
        """

    static func workItem(_ row: PostgresRow) throws -> WorkItem {
        let r = row.makeRandomAccess()
        return WorkItem(id: try r["Id"].decode(Int64.self), mediaFileId: try r["MediaFileId"].decode(Int64.self),
                        path: try r["FilePath"].decode(String.self), name: try r["Name"].decode(String?.self),
                        frameNumber: try r["FrameNumber"].decode(Int?.self),
                        kind: try r["Kind"].decode(String?.self).flatMap(MediaKind.init(rawValue:)),
                        attempts: try r["Attempts"].decode(Int.self),
                        leaseOwner: try r["LeaseOwner"].decode(String?.self),
                        leaseExpiresAt: try r["LeaseExpiresAt"].decode(Date?.self))
    }

    /// Claimable rows, as in `FaceStore.claim`; `$1` is the retry-failed flag (bound, never spliced).
    static let claimableCondition = """
        (i."Status" = 'pending'
         OR (i."Status" IS NULL AND i."IsFacesExtracted" = FALSE)
         OR ($1 AND i."Status" = 'failed'))
        AND (i."LeaseExpiresAt" IS NULL OR i."LeaseExpiresAt" < now())
        """

    public func claim(owner: String, limit: Int, leaseSeconds: Double, retryFailed: Bool) async throws -> [WorkItem] {
        try await transaction("claim") { db in
            // SKIP LOCKED: rows another worker is claiming right now are passed over, not waited for.
            var binds = PostgresBindings()
            binds.append(retryFailed)
            binds.append(limit)
            let ids = try await db.rows(PostgresQuery(unsafeSQL: """
                SELECT i."Id" FROM "MediaItems" i
                WHERE \(Self.claimableCondition)
                ORDER BY i."Id" LIMIT $2
                FOR UPDATE SKIP LOCKED
                """, binds: binds), logger).map { try $0.makeRandomAccess()["Id"].decode(Int64.self) }
            guard !ids.isEmpty else { return [] }
            return try await db.rows("""
                UPDATE "MediaItems" i SET "Status" = 'pending', "LeaseOwner" = \(owner),
                       "LeaseExpiresAt" = now() + make_interval(secs => \(leaseSeconds)),
                       "Attempts" = i."Attempts" + 1, "ModifiedAt" = now()
                FROM "MediaFile" f
                WHERE i."Id" = ANY(\(ids)) AND f."Id" = i."MediaFileId"
                RETURNING \(unescaped: Self.workItemColumns)
                """, logger).map(Self.workItem).sorted { $0.id < $1.id }
        }
    }

    /// Locks the item row and throws `.leaseLost` unless `owner` holds its lease and it is not done.
    static func checkLease(_ db: PostgresConnection, item: Int64, owner: String, _ logger: Logger) async throws {
        guard let row = try await db.rows("""
            SELECT "Status", "LeaseOwner", "IsFacesExtracted" FROM "MediaItems" WHERE "Id" = \(item) FOR UPDATE
            """, logger).first?.makeRandomAccess() else {
            throw FaceStoreError(.notFound, operation: "", backend: .postgres, id: item, detail: "no such media item")
        }
        try LeaseCheck(status: try row["Status"].decode(String?.self),
                       leaseOwner: try row["LeaseOwner"].decode(String?.self),
                       isFacesExtracted: try row["IsFacesExtracted"].decode(Bool.self))
            .verify(owner: owner, item: item, backend: .postgres)
    }

    public func requeueFailed() async throws -> Int {
        try await transaction("requeueFailed") { db in
            try await db.rows("""
                UPDATE "MediaItems" SET "Status" = 'pending', "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = now()
                WHERE "Status" = 'failed' RETURNING "Id"
                """, logger).count
        }
    }

    public func failedItems(limit: Int) async throws -> [FailedItem] {
        try await read("failedItems") { db in
            try await db.rows("""
                SELECT i."Id", f."FilePath", COALESCE(i."Error", '') AS "Error", i."Attempts"
                FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
                WHERE i."Status" = 'failed' ORDER BY i."Id" LIMIT \(limit)
                """, logger).map { row in
                let r = row.makeRandomAccess()
                return FailedItem(itemId: try r["Id"].decode(Int64.self), path: try r["FilePath"].decode(String.self),
                                  error: try r["Error"].decode(String.self), attempts: try r["Attempts"].decode(Int?.self) ?? 0)
            }
        }
    }

    public func leaseOwners() async throws -> [String: Int] {
        try await read("leaseOwners") { db in
            var owners: [String: Int] = [:]
            for row in try await db.rows("""
                SELECT "LeaseOwner", COUNT(*) AS "Items" FROM "MediaItems"
                WHERE "LeaseOwner" IS NOT NULL AND "LeaseExpiresAt" > now() AND COALESCE("Status", 'pending') = 'pending'
                GROUP BY "LeaseOwner"
                """, logger) {
                let r = row.makeRandomAccess()
                owners[try r["LeaseOwner"].decode(String.self)] = try r["Items"].decode(Int.self)
            }
            return owners
        }
    }

    public func releaseLeases(owner: String) async throws -> Int {
        try await transaction("releaseLeases") { db in
            try await db.rows("""
                UPDATE "MediaItems" SET "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
                WHERE "LeaseOwner" = \(owner) AND COALESCE("Status", 'pending') = 'pending'
                RETURNING "Id"
                """, logger).count
        }
    }

    public func renewLease(item: Int64, owner: String, leaseSeconds: Double) async throws {
        try await transaction("renewLease", id: item) { db in
            try await Self.checkLease(db, item: item, owner: owner, logger)
            try await db.run("""
                UPDATE "MediaItems" SET "LeaseExpiresAt" = now() + make_interval(secs => \(leaseSeconds))
                WHERE "Id" = \(item)
                """, logger)
        }
    }

    public func complete(item: Int64, owner: String, faces: [NewFace]) async throws -> [Int64] {
        try await transaction("complete", id: item) { db in
            try await Self.checkLease(db, item: item, owner: owner, logger)
            // Faces left by a crashed earlier attempt (or another system) are replaced, never duplicated.
            try await db.run(#"DELETE FROM "Faces" WHERE "MediaItemId" = \#(item)"#, logger)
            var ids: [Int64] = []
            for face in faces {
                let quality = face.quality ?? face.embedding.flatMap(FloatCodec.norm)
                let id = try await db.rows("""
                    INSERT INTO "Faces" ("MediaItemId", "BoundingBox", "Embedding", "EmbeddingModel", "FrameNumber",
                                         "IsUserVerified", "Score", "Landmarks", "FaceSize", "Quality")
                    VALUES (\(item), \(face.box.text), \(face.embedding.map(FloatCodec.encode)), \(face.embeddingModel),
                            \(face.frameNumber), FALSE, \(face.score), \(face.landmarks.map(FloatCodec.encode)),
                            \(face.faceSize), \(quality))
                    RETURNING "Id"
                    """, logger)[0].makeRandomAccess()["Id"].decode(Int64.self)
                try await db.run(#"UPDATE "Faces" SET "Name" = \#(thumbnailNaming(id)) WHERE "Id" = \#(id)"#, logger)
                ids.append(id)
            }
            try await db.run("""
                UPDATE "MediaItems" SET "Status" = 'done', "IsFacesExtracted" = TRUE, "FacesExtractedOn" = now(),
                       "Error" = NULL, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "ModifiedAt" = now()
                WHERE "Id" = \(item)
                """, logger)
            return ids
        }
    }

    public func fail(item: Int64, owner: String, error: String) async throws {
        try await transaction("fail", id: item) { db in
            try await Self.checkLease(db, item: item, owner: owner, logger)
            try await db.run("""
                UPDATE "MediaItems" SET "Status" = 'failed', "Error" = \(clipped(error)), "LeaseOwner" = NULL,
                       "LeaseExpiresAt" = NULL, "ModifiedAt" = now()
                WHERE "Id" = \(item)
                """, logger)
        }
    }

    static let doneCondition = #"(i."Status" = 'done' OR (i."Status" IS NULL AND i."IsFacesExtracted" = TRUE))"#

    public func statusCounts() async throws -> StatusCounts {
        try await read("statusCounts") { db in
            let r = try await db.rows("""
                SELECT
                  COALESCE(SUM(CASE WHEN \(unescaped: Self.doneCondition) THEN 1 ELSE 0 END), 0) AS "done",
                  COALESCE(SUM(CASE WHEN i."Status" = 'failed' THEN 1 ELSE 0 END), 0) AS "failed",
                  COALESCE(SUM(CASE WHEN NOT \(unescaped: Self.doneCondition) AND COALESCE(i."Status", '') <> 'failed'
                                     AND i."LeaseExpiresAt" >= now() THEN 1 ELSE 0 END), 0) AS "leased",
                  COUNT(*) AS "total"
                FROM "MediaItems" i
                """, logger)[0].makeRandomAccess()
            let done = try r["done"].decode(Int.self), failed = try r["failed"].decode(Int.self)
            let leased = try r["leased"].decode(Int.self), total = try r["total"].decode(Int.self)
            return StatusCounts(pending: total - done - failed - leased, leased: leased, done: done, failed: failed)
        }
    }

    public func itemsNeedingWork(limit: Int, includeFailed: Bool) async throws -> [WorkItem] {
        try await read("itemsNeedingWork") { db in
            var binds = PostgresBindings()
            binds.append(includeFailed)
            binds.append(limit)
            return try await db.rows(PostgresQuery(unsafeSQL: """
                SELECT \(Self.workItemColumns)
                FROM "MediaItems" i JOIN "MediaFile" f ON f."Id" = i."MediaFileId"
                WHERE \(Self.claimableCondition)
                ORDER BY i."Id" LIMIT $2
                """, binds: binds), logger).map(Self.workItem)
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
