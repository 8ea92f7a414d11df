import Foundation

/// Opens the store `location` names (see `openFaceStore`), runs `body`, and closes the store whether
/// `body` succeeds or throws: PostgreSQL connections must be closed before the process ends.
public func withFaceStore<T>(_ location: String, migrate: Bool = true,
                             _ body: (any FaceStore) async throws -> T) async throws -> T {
    let store = try await openFaceStore(location, migrate: migrate)
    do {
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}
