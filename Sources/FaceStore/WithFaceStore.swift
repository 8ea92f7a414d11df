import Foundation
import Logging

/// Opens the store a location names (see `DatabaseLocation`): a `postgres://` URL or libpq keyword
/// string opens PostgreSQL, an `mssql://` URL or ODBC string SQL Server, anything else is a SQLite
/// file path (an optional `sqlite://` prefix is stripped).
/// Migrates unless `migrate` is false (dry runs that must not create anything).
public func openFaceStore(
    _ location: String,
    migrate: Bool = true,
    thumbnailNaming: @escaping ThumbnailNaming = Thumbnails.defaultNaming,
    logger: Logger = Logger(label: "frs.store")
) async throws -> any FaceStore {
    let store: any FaceStore = switch try DatabaseLocation(location) {
    case .postgres(let url): try PostgresStore(url: url, thumbnailNaming: thumbnailNaming, logger: logger)
    case .sqlServer(let url): try SQLServerStore(location: url, thumbnailNaming: thumbnailNaming, logger: logger)
    case .sqlite(let path): try SQLiteStore(path: path, thumbnailNaming: thumbnailNaming)
    }
    if migrate {
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
    }
    return store
}

/// Opens the store `location` names (see `openFaceStore`), runs `body`, and closes the store whether
/// `body` succeeds or throws: server connections must be closed before the process ends.
public func withFaceStore<T>(_ location: String, migrate: Bool = true,
                             _ body: (any FaceStore) async throws -> T) async throws -> T {
    try await openFaceStore(location, migrate: migrate).closing(body)
}

extension FaceStore {
    /// Runs `body` on this store, then closes it, whether `body` succeeds or throws.
    public func closing<T>(_ body: (any FaceStore) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            try await close()
            return result
        } catch {
            try? await close()
            throw error
        }
    }
}
