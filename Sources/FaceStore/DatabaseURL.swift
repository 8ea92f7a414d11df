import Foundation

/// `url` with any password replaced by `***`, for logs and messages.
/// Works on strings that are not valid URLs too (it never echoes what follows `user:`).
public func maskedURL(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return url }
    let rest = url[schemeEnd.upperBound...]
    // The user info ends at the last "@" before any query or fragment, so a password may contain "@" or "/".
    let beforeQuery = rest.prefix { $0 != "?" && $0 != "#" }
    guard let at = beforeQuery.lastIndex(of: "@") else { return url }
    let userInfo = rest[..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return url }
    return String(url[..<schemeEnd.upperBound]) + userInfo[..<colon] + ":***" + url[at...]
}

/// The parts of `postgres://user:pass@host:port/db?sslmode=...&host=/socket/dir&search_path=...`.
struct PostgresURL: Equatable {
    enum TLSMode: String { case disable, prefer, require }

    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String?
    /// Directory of a unix socket (`?host=/dir`, as libpq does); the socket is `dir/.s.PGSQL.port`.
    var socketDirectory: String?
    var tls: TLSMode
    /// Other query items, passed to the server as run-time parameters (e.g. search_path, application_name).
    var parameters: [(String, String)]

    static func == (a: Self, b: Self) -> Bool {
        a.user == b.user && a.password == b.password && a.host == b.host && a.port == b.port
            && a.database == b.database && a.socketDirectory == b.socketDirectory && a.tls == b.tls
            && a.parameters.map { "\($0)=\($1)" } == b.parameters.map { "\($0)=\($1)" }
    }

    /// Throws a message that shows the URL masked only.
    init(_ string: String) throws {
        func invalid(_ why: String) -> FaceStoreError {
            FaceStoreError(.invalidURL, operation: "open", backend: .postgres, detail: "\(why): \(maskedURL(string))")
        }
        guard let components = URLComponents(string: string),
              let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("expected postgres://user:password@host:port/database")
        }
        guard let user = components.user, !user.isEmpty else { throw invalid("no user name") }
        // URLComponents already percent-decodes user, password and path; decoding again would corrupt "%".
        self.user = user
        self.password = components.password
        self.host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        self.port = components.port ?? 5432
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? nil : path
        self.socketDirectory = nil
        self.tls = .prefer
        self.parameters = []
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                switch value {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw invalid("unknown sslmode '\(value)'")
                }
            case "host" where value.hasPrefix("/"):
                socketDirectory = value
            default:
                parameters.append((item.name, value))
            }
        }
    }
}
