import Foundation
import GRDB
import PostgresNIO

/// The one error type stores throw. Its text names the operation, the backend and the id involved,
/// and never carries a connection password, bound values or embeddings: SQL is parameterised, and
/// driver errors are reduced to their code and server message.
public struct FaceStoreError: Error, Sendable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// The item is no longer leased by this owner (expired and taken over, re-queued, or done).
        case leaseLost = "lease lost"
        case notFound = "not found"
        case invalidURL = "invalid database URL"
        case invalidArgument = "invalid argument"
        /// A stored value could not be decoded (e.g. an embedding blob of odd length).
        case invalidData = "invalid stored data"
        case database = "database error"
    }

    public var reason: Reason
    /// The store method, e.g. "complete".
    public var operation: String
    public var backend: StoreBackend
    /// The row id the operation was about, when there is one.
    public var id: Int64?
    public var detail: String

    public init(_ reason: Reason, operation: String, backend: StoreBackend, id: Int64? = nil, detail: String = "") {
        self.reason = reason
        self.operation = operation
        self.backend = backend
        self.id = id
        self.detail = detail
    }

    public var description: String {
        var text = "\(backend) \(operation)"
        if let id { text += " (id \(id))" }
        text += ": \(reason.rawValue)"
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }
}

extension FaceStoreError: LocalizedError {
    public var errorDescription: String? { description }
}

/// Runs one store operation and turns any driver error into a `FaceStoreError` naming it.
func storeOperation<T>(
    _ operation: String, _ backend: StoreBackend, id: Int64? = nil,
    _ body: () async throws -> T
) async throws -> T {
    do {
        return try await body()
    } catch var error as FaceStoreError {
        // Inner helpers do not know the public operation name; fill it in once here.
        if error.operation.isEmpty { error.operation = operation }
        if error.id == nil { error.id = id }
        throw error
    } catch {
        throw FaceStoreError(.database, operation: operation, backend: backend, id: id, detail: safeDetail(error))
    }
}

/// A description of a driver error that is safe to print.
func safeDetail(_ error: any Error) -> String {
    switch error {
    case let error as DatabaseError:
        // Not `description`: with public statement arguments it could include bound values.
        return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "")"
    case let error as PSQLError:
        // The server's message and SQLSTATE only; `detail` can echo row values.
        if let info = error.serverInfo {
            let state = info[.sqlState].map { " [\($0)]" } ?? ""
            return "PostgreSQL\(state): \(info[.message] ?? "")"
        }
        return "PostgreSQL client error: \(error.code)"
    case let error as ODBCError:
        // SQLSTATE, error number and message, without quoted row values.
        return error.description
    case let error as ODBCDecodingError:
        return "cannot decode \(error)"
    case let error as PostgresDecodingError:
        return "cannot decode column \(error.columnName) as \(error.targetType)"
    case is CancellationError:
        return "cancelled"
    default:
        return String(describing: type(of: error)) + ": " + String(describing: error)
    }
}
