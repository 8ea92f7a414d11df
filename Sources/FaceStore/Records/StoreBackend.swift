import Foundation

/// Which SQL engine a store talks to.
public enum StoreBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres
    case sqlServer = "sqlserver"

    public var description: String { rawValue }
}
