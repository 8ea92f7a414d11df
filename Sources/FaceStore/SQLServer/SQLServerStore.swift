import Foundation
import Logging

/// Microsoft SQL Server (2019 and later), through unixODBC and the FreeTDS driver: the database the
/// original system keeps everything in, shared by many workers like PostgreSQL.
///
/// Each connection lives on its own thread (`ODBCWorker`), because ODBC calls block. Autocommit is
/// off and XACT_ABORT on, so every store method is one transaction that commits whole or not at
/// all; a deadlock victim (error 1205) is run again. Claims take rows with
/// `UPDLOCK, READPAST, ROWLOCK`, so workers never wait for or double-claim each other's rows; lease
/// times come from the server clock. Values are always bound parameters (`SQLServerSQL`).
public final class SQLServerStore: FaceStore {
    public var backend: StoreBackend { .sqlServer }
    /// The connection string with its password masked, for logs.
    public let displayURL: String
    let target: SQLServerTarget
    let driver: String
    let pool: ODBCPool
    let logger: Logger
    /// How `complete` names thumbnails (`Faces.Name`).
    public let thumbnailNaming: ThumbnailNaming

    /// How often a transaction chosen as deadlock victim is run again before the error is reported.
    static let deadlockRetries = 5

    /// Connects lazily to `location` (`mssql://user:password@host:1433/db` or an ODBC string with
    /// SERVER, DATABASE, UID and PWD). `driver`: the unixODBC driver name or library path, by default
    /// FreeTDS as Debian's tdsodbc registers it (or `FRS_ODBC_DRIVER`). Call `migrate()` before use.
    public init(location: String, maximumConnections: Int = 4, driver: String? = nil,
                thumbnailNaming: @escaping ThumbnailNaming = Thumbnails.defaultNaming,
                logger: Logger = Logger(label: "frs.store")) throws {
        let target = try SQLServerTarget(location)
        let driver = driver ?? Self.defaultDriver
        self.target = target
        self.driver = driver
        self.displayURL = maskedURL(location)
        self.logger = logger
        self.thumbnailNaming = thumbnailNaming
        let connect = Self.connector(target: target, driver: driver)
        pool = ODBCPool(maximum: maximumConnections) { number in
            ODBCWorker(name: "frs-sqlserver-\(number)", connect: connect)
        }
    }

    /// `FRS_ODBC_DRIVER`, else the name Debian's tdsodbc registers in /etc/odbcinst.ini.
    static var defaultDriver: String {
        let configured = ProcessInfo.processInfo.environment["FRS_ODBC_DRIVER"] ?? ""
        return configured.isEmpty ? "FreeTDS" : configured
    }

    /// Opens one session: connect, autocommit off, session options. Errors say where it failed to
    /// connect and what to check; they never contain the password.
    /// `autocommit`: true only for the recognition lock's session, which holds no transaction.
    static func connector(target: SQLServerTarget, driver: String, autocommit: Bool = false) -> @Sendable () throws -> ODBCConnection {
        { () throws -> ODBCConnection in
            let connection: ODBCConnection
            do {
                connection = try ODBCConnection(connectionString: target.odbcString(driver: driver),
                                                loginTimeoutSeconds: target.loginTimeoutSeconds)
            } catch let error as ODBCError {
                throw FaceStoreError(.database, operation: "", backend: .sqlServer,
                                     detail: connectFailure(error, target: target, driver: driver))
            }
            try connection.setAutocommit(false)
            try connection.run(SQLServerSQL.sessionSetup)
            try connection.commit()
            if autocommit { try connection.setAutocommit(true) }
            return connection
        }
    }

    /// "cannot connect to SQL Server at host:port" with the driver's reason and a hint.
    static func connectFailure(_ error: ODBCError, target: SQLServerTarget, driver: String) -> String {
        let reason = error.primary.map { "[\($0.sqlState)] \(ODBCError.withoutValues($0.message))" } ?? "no reason given"
        let hint: String
        switch error.primary?.sqlState ?? "" {
        case "01000" where error.diagnostics.contains(where: { $0.message.contains("Can't open lib") }),
             "IM002", "IM003":
            hint = "the ODBC driver '\(driver)' is not installed: apt-get install tdsodbc (scripts/bootstrap), or set FRS_ODBC_DRIVER"
        case "28000":
            hint = "check the user name and password"
        case "42000":
            hint = "check the database name and that the login may use it"
        default:
            hint = "is the server up, and does it accept TCP connections on that port (and SQL Server authentication)?"
        }
        return "cannot connect to SQL Server at \(target.serverDescription) as \(target.user): \(reason); \(hint)"
    }

    public func close() async throws {
        await pool.close()
    }

    // MARK: Helpers

    /// One transaction on one pooled connection, on that connection's thread; rolled back when
    /// `body` throws, and run again when SQL Server picks it as a deadlock victim (or fails it with
    /// another error of a kind in `retrying`).
    func transaction<T: Sendable>(_ operation: String, id: Int64? = nil, retrying: Set<ODBCError.Kind> = [.deadlock],
                                  _ body: @escaping @Sendable (ODBCConnection) throws -> T) async throws -> T {
        try await storeOperation(operation, .sqlServer, id: id) {
            try await pool.withWorker { worker in
                try await worker.perform { connection in
                    var attempt = 0
                    while true {
                        do {
                            let result = try body(connection)
                            try connection.commit()
                            return result
                        } catch let error as ODBCError where retrying.contains(error.kind) && attempt < Self.deadlockRetries {
                            connection.rollback()
                            attempt += 1
                            // Back off a little, longer each time, so the other transaction can finish.
                            usleep(UInt32.random(in: 10_000...50_000) * UInt32(attempt))
                        } catch {
                            connection.rollback()
                            throw error
                        }
                    }
                }
            }
        }
    }

    /// Reads run in a transaction too (autocommit is off); it only ever holds shared locks.
    func read<T: Sendable>(_ operation: String, id: Int64? = nil,
                           _ body: @escaping @Sendable (ODBCConnection) throws -> T) async throws -> T {
        try await transaction(operation, id: id, body)
    }

    // MARK: Schema

    public func migrate() async throws {
        try await storeOperation("migrate", .sqlServer) {
            try await pool.withWorker { worker in
                try await worker.perform { db in
                    // Many workers may start at once: one migrates, the others wait and then find nothing to do.
                    let lock = try db.rows(SQLServerSQL.migrationLock).first?.int("Result") ?? -999
                    guard lock >= 0 else {
                        db.rollback()
                        throw FaceStoreError(.database, operation: "", backend: .sqlServer,
                                             detail: "sp_getapplock for the migration returned \(lock)")
                    }
                    defer {
                        try? db.run(SQLServerSQL.migrationUnlock)
                        try? db.commit()
                    }
                    do {
                        try Self.applyMigrations(db)
                        try db.commit()
                    } catch {
                        db.rollback()
                        throw error
                    }
                }
            }
        }
    }

    /// Every migration not applied yet, in one transaction (DDL is transactional in SQL Server).
    private static func applyMigrations(_ db: ODBCConnection) throws {
        try db.run(SQLServerSQL.createMigrationsTable)
        let applied = Set(try db.rows(SQLServerSQL.appliedVersions).map { try $0.int("version") })
        for migration in Migrations.all where !applied.contains(migration.version) {
            for statement in migration.sqlServer {
                try db.run(statement)
            }
            try db.run(SQLServerSQL.recordMigration, [.int(migration.version), .text(migration.name)])
        }
    }

    public func schemaVersion() async throws -> Int {
        try await read("schemaVersion") { db in
            guard try db.rows(SQLServerSQL.schemaVersion).first?.int("Exists") == 1 else { return 0 }
            return try db.rows(SQLServerSQL.maxVersion).first?.int("Version") ?? 0
        }
    }

    // MARK: Media

    public func addMedia(_ info: MediaFileInfo) async throws -> AddOutcome {
        guard info.path.utf16.count <= SQLServerSchema.maxPathLength else {
            throw FaceStoreError(.invalidArgument, operation: "addMedia", backend: .sqlServer, detail: """
                the path is longer than \(SQLServerSchema.maxPathLength) characters, more than SQL Server can index; \
                move the file to a shorter path
                """)
        }
        // A unique violation (2627/2601) means another worker inserted the same path between our
        // check and our insert (the key-range lock prevents it, unless a snapshot isolation level
        // skips it): run again, and the path is known.
        return try await transaction("addMedia", retrying: [.deadlock, .uniqueViolation]) { db in
            let values: [ODBCValue] = [.text(info.fileName), .text(info.fileExtension), .int(info.size),
                                       .double(info.mtime.timeIntervalSince1970), .text(info.contentHash),
                                       .text(info.kind.rawValue), .int(info.width), .int(info.height)]
            let captured = TSQL.instantParts(info.capturedAt?.date) + [.int(info.capturedAt?.utcOffsetMinutes)]
            guard let existing = try db.rows(SQLServerSQL.lockMediaByPath, [.text(info.path)]).first else {
                let fileId = try db.rows(SQLServerSQL.insertMediaFile, [.text(info.path)] + values + captured)[0].int64("Id")
                return .added(fileId: fileId, itemId: try Self.insertItems(db, fileId: fileId, info: info))
            }
            let fileId = try existing.int64("Id")
            let stored = StoredMetadata(size: try existing.optionalInt64("Size"), mtime: try existing.optionalDouble("MTime"),
                                        hash: try existing.optionalString("ContentHash"))
            let decision = stored.compare(with: info)
            if decision == .same {
                try db.run(SQLServerSQL.setCaptureTime, captured + [.int(fileId), .bool(true)])
                return .unchanged(fileId: fileId)
            }
            try db.run(SQLServerSQL.updateMediaFile, values + [.int(fileId)])
            try db.run(SQLServerSQL.setCaptureTime, captured + [.int(fileId), .bool(false)])
            if decision != .changed { return .unchanged(fileId: fileId) }
            try db.run(SQLServerSQL.clearPortraitsOfFile, [.int(fileId)])
            // The deleted faces' thumbnail names, for the caller to delete the files (AddOutcome.changed).
            let thumbnails = try db.rows(SQLServerSQL.deleteFacesOfFile, [.int(fileId)]).compactMap { try $0.optionalString("Name") }
            if info.frameItems != nil {
                try db.run(SQLServerSQL.deleteItemsOfFile, [.int(fileId)])
                _ = try Self.insertItems(db, fileId: fileId, info: info)
                return .changed(fileId: fileId, removedThumbnails: thumbnails)
            }
            try db.run(SQLServerSQL.requeueItemsOfFile, [.int(fileId)])
            return .changed(fileId: fileId, removedThumbnails: thumbnails)
        }
    }

    /// Inserts a file's pending items (one per video frame, or one without a frame); returns the first id.
    private static func insertItems(_ db: ODBCConnection, fileId: Int64, info: MediaFileInfo) throws -> Int64 {
        let rows: [ODBCRow]
        if let items = info.frameItems {
            rows = try db.rows(SQLServerSQL.insertFrameItems, [.int(fileId), .text(try frameJSON(items))])
        } else {
            rows = try db.rows(SQLServerSQL.insertPhotoItem, [.int(fileId), .text(info.fileName)])
        }
        return try rows.map { try $0.int64("Id") }.min()!
    }

    /// `[{"n": name, "f": frame}, ...]`, encoded by JSONEncoder (never spliced into SQL).
    static func frameJSON(_ items: (names: [String], frames: [Int])) throws -> String {
        struct Frame: Encodable { var n: String; var f: Int }
        let frames = zip(items.names, items.frames).map { Frame(n: $0, f: $1) }
        return String(decoding: try JSONEncoder().encode(frames), as: UTF8.self)
    }

    public func mediaFile(path: String) async throws -> MediaFile? {
        try await read("mediaFile") { db in
            try db.rows(SQLServerSQL.mediaFileByPath, [.text(path)]).first.map(Self.mediaFile)
        }
    }

    public func mediaFiles(contentHash: String) async throws -> [MediaFile] {
        try await read("mediaFiles") { db in
            try db.rows(SQLServerSQL.mediaFilesByHash, [.text(contentHash)]).map(Self.mediaFile)
        }
    }

    static func mediaFile(_ r: ODBCRow) throws -> MediaFile {
        MediaFile(id: try r.int64("Id"), path: try r.string("FilePath"), fileName: try r.optionalString("FileName"),
                  fileExtension: try r.optionalString("Extension"), size: try r.optionalInt64("Size"),
                  mtime: try r.optionalDouble("MTime").map { Date(timeIntervalSince1970: $0) },
                  contentHash: try r.optionalString("ContentHash"),
                  kind: try r.optionalString("Kind").flatMap(MediaKind.init(rawValue:)),
                  width: try r.optionalInt("Width"), height: try r.optionalInt("Height"),
                  capturedAt: try captureTime(r), captureTimeRead: try r.bool("CaptureTimeRead"))
    }

    /// `CapturedAt` and `CapturedUtcOffset` of a row that selected them.
    static func captureTime(_ r: ODBCRow) throws -> CaptureTime? {
        CaptureTime.stored(try r.optionalDate("CapturedAt"), offset: try r.optionalInt("CapturedUtcOffset"))
    }

    public func setCaptureTime(mediaFile id: Int64, _ time: CaptureTime?) async throws {
        try await transaction("setCaptureTime", id: id) { db in
            let values = TSQL.instantParts(time?.date) + [.int(time?.utcOffsetMinutes), .int(id), .bool(false)]
            guard !(try db.rows(SQLServerSQL.setCaptureTime, values)).isEmpty else {
                throw FaceStoreError(.notFound, operation: "", backend: .sqlServer, id: id, detail: "no such media file")
            }
        }
    }

    public func captureTimes() async throws -> [Int64: CaptureTime] {
        try await read("captureTimes") { db in
            var result: [Int64: CaptureTime] = [:]
            for r in try db.rows(SQLServerSQL.captureTimes) { result[try r.int64("Id")] = try Self.captureTime(r) }
            return result
        }
    }

    // MARK: Work queue

    static func workItem(_ r: ODBCRow) throws -> WorkItem {
        WorkItem(id: try r.int64("Id"), mediaFileId: try r.int64("MediaFileId"), path: try r.string("FilePath"),
                 name: try r.optionalString("Name"), frameNumber: try r.optionalInt("FrameNumber"),
                 kind: try r.optionalString("Kind").flatMap(MediaKind.init(rawValue:)), attempts: try r.int("Attempts"),
                 leaseOwner: try r.optionalString("LeaseOwner"), leaseExpiresAt: try r.optionalDate("LeaseExpiresAt"))
    }

    /// How long `claim` keeps trying while claimable rows are only locked, not taken.
    static let claimPatience: Duration = .seconds(30)

    public func claim(owner: String, limit: Int, leaseSeconds: Double, retryFailed: Bool) async throws -> [WorkItem] {
        // READPAST skips every locked row, also rows an adder has not committed yet and whole pages
        // or tables after lock escalation, so an empty claim does not mean that no work is left
        // (workers stop on an empty claim): look past the locks, and try again while work is there.
        let start = ContinuousClock.now
        while true {
            let items = try await transaction("claim") { db in
                let ids = try db.rows(SQLServerSQL.claim, [.text(owner)] + TSQL.leaseParts(leaseSeconds)
                                      + [.int(limit), .bool(retryFailed), .bool(retryFailed)]).map { try $0.int64("Id") }
                guard !ids.isEmpty else { return [WorkItem]() }
                return try db.rows(SQLServerSQL.workItemsByIds, [TSQL.jsonArray(ids)]).map(Self.workItem)
            }
            guard items.isEmpty, ContinuousClock.now - start < Self.claimPatience else { return items }
            let lockedWork = try await read("claim") { db in
                try !db.rows(SQLServerSQL.claimableBehindLocks, [.bool(retryFailed)]).isEmpty
            }
            guard lockedWork else { return [] }
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...200)))
        }
    }

    /// Locks the item row and throws `.leaseLost` unless `owner` holds its lease and it is not done.
    static func checkLease(_ db: ODBCConnection, item: Int64, owner: String) throws {
        guard let row = try db.rows(SQLServerSQL.lockItem, [.int(item)]).first else {
            throw FaceStoreError(.notFound, operation: "", backend: .sqlServer, id: item, detail: "no such media item")
        }
        try LeaseCheck(status: try row.optionalString("Status"), leaseOwner: try row.optionalString("LeaseOwner"),
                       isFacesExtracted: try row.bool("IsFacesExtracted"))
            .verify(owner: owner, item: item, backend: .sqlServer)
    }

    public func requeueFailed() async throws -> Int {
        try await transaction("requeueFailed") { db in try db.rows(SQLServerSQL.requeueFailed).count }
    }

    public func failedItems(limit: Int) async throws -> [FailedItem] {
        try await read("failedItems") { db in
            try db.rows(SQLServerSQL.failedItems, [.int(limit)]).map { r in
                FailedItem(itemId: try r.int64("Id"), path: try r.string("FilePath"), error: try r.string("Error"),
                           attempts: try r.optionalInt("Attempts") ?? 0)
            }
        }
    }

    public func leaseOwners() async throws -> [String: Int] {
        try await read("leaseOwners") { db in
            var owners: [String: Int] = [:]
            for r in try db.rows(SQLServerSQL.leaseOwners) { owners[try r.string("LeaseOwner")] = try r.int("Items") }
            return owners
        }
    }

    public func releaseLeases(owner: String) async throws -> Int {
        try await transaction("releaseLeases") { db in try db.rows(SQLServerSQL.releaseLeases, [.text(owner)]).count }
    }

    public func renewLease(item: Int64, owner: String, leaseSeconds: Double) async throws {
        try await transaction("renewLease", id: item) { db in
            try Self.checkLease(db, item: item, owner: owner)
            try db.run(SQLServerSQL.renewLease, TSQL.leaseParts(leaseSeconds) + [.int(item)])
        }
    }

    public func complete(item: Int64, owner: String, faces: [NewFace]) async throws -> [Int64] {
        let naming = thumbnailNaming
        return try await transaction("complete", id: item) { db in
            try Self.checkLease(db, item: item, owner: owner)
            // Faces left by a crashed earlier attempt (or another system) are replaced, never duplicated.
            try db.run(SQLServerSQL.clearPortraitsOfItem, [.int(item)])
            try db.run(SQLServerSQL.deleteFacesOfItem, [.int(item)])
            var ids: [Int64] = []
            for face in faces {
                let quality = face.quality ?? face.embedding.flatMap(FloatCodec.norm)
                let id = try db.rows(SQLServerSQL.insertFace, [
                    .int(item), .text(face.box.text), .bytes(face.embedding.map(FloatCodec.encode)), .text(face.embeddingModel),
                    .int(face.frameNumber), .double(face.score), .bytes(face.landmarks.map(FloatCodec.encode)),
                    .int(face.faceSize), .double(quality), .double(face.frameCut),
                ])[0].int64("Id")
                try db.run(SQLServerSQL.nameFace, [.text(naming(id)), .int(id)])
                ids.append(id)
            }
            try db.run(SQLServerSQL.markDone, [.int(item)])
            return ids
        }
    }

    public func fail(item: Int64, owner: String, error: String) async throws {
        try await transaction("fail", id: item) { db in
            try Self.checkLease(db, item: item, owner: owner)
            try db.run(SQLServerSQL.markFailed, [.text(clipped(error)), .int(item)])
        }
    }

    public func statusCounts() async throws -> StatusCounts {
        try await read("statusCounts") { db in
            let r = try db.rows(SQLServerSQL.statusCounts)[0]
            let done = try r.int("Done"), failed = try r.int("Failed"), leased = try r.int("Leased"), total = try r.int("Total")
            return StatusCounts(pending: total - done - failed - leased, leased: leased, done: done, failed: failed)
        }
    }

    public func itemsNeedingWork(limit: Int, includeFailed: Bool) async throws -> [WorkItem] {
        try await read("itemsNeedingWork") { db in
            try db.rows(SQLServerSQL.itemsNeedingWork, [.int(limit), .bool(includeFailed)]).map(Self.workItem)
        }
    }
}
