import Foundation

/// What a `--database` / `FRS_DATABASE_URL` value names, decided once so that no caller guesses
/// from prefixes (a keyword string taken for a file path would be created as one, and echoed).
public enum DatabaseLocation: Equatable, Sendable {
    /// A SQLite file (`sqlite://` prefix stripped).
    case sqlite(path: String)
    /// `postgres://...`, `postgresql://...`, or a libpq keyword string (`host=... dbname=...`).
    case postgres(String)
    /// `mssql://...`, `sqlserver://...`, or an ODBC string (`DRIVER=...;SERVER=...;...`).
    case sqlServer(String)

    /// Throws `.invalidURL` (showing the value masked) for a URL of another scheme.
    public init(_ location: String) throws {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        if let scheme = Self.scheme(of: trimmed) {
            switch scheme {
            case "postgres", "postgresql": self = .postgres(location)
            case "mssql", "sqlserver": self = .sqlServer(location)
            case "sqlite": self = .sqlite(path: String(trimmed.dropFirst("sqlite://".count)))
            default:
                throw FaceStoreError(.invalidURL, operation: "open", backend: .sqlite, detail: """
                    unknown database scheme '\(scheme)://' in \(maskedURL(location)): use postgres://, mssql:// \
                    or a SQLite file path
                    """)
            }
        } else if ODBCConnectionString.looksLikeODBC(trimmed) {
            self = .sqlServer(location)
        } else if PostgresKeywords.looksLikeKeywords(trimmed) {
            self = .postgres(location)
        } else {
            self = .sqlite(path: location)
        }
    }

    /// The SQLite file, or nil for a server database.
    public var sqlitePath: String? {
        if case .sqlite(let path) = self { path } else { nil }
    }

    public var backend: StoreBackend {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        case .sqlServer: .sqlServer
        }
    }

    /// `scheme` of `scheme://...` (letters, digits, + - .), lowercased; nil when there is none.
    static func scheme(of text: String) -> String? {
        guard let range = text.range(of: "://") else { return nil }
        let scheme = text[..<range.lowerBound]
        guard let first = scheme.first, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return nil }
        return scheme.lowercased()
    }
}

/// `location` with every password replaced by `***`, for logs, messages and `frs config show`.
/// Handles each accepted form, valid or not: URLs (`user:password@`, also when the password holds
/// `@`, `/`, `?` or `#`, and `?password=` in the query), libpq keyword strings (`password=...`,
/// quoted or not) and ODBC strings (`PWD=...`, `{...}` quoted or not). It never echoes what follows
/// `user:` in a URL's user info.
public func maskedURL(_ location: String) -> String {
    if DatabaseLocation.scheme(of: location) != nil {
        return maskedURLQuery(maskedUserInfo(location))
    }
    if ODBCConnectionString.looksLikeODBC(location) { return ODBCConnectionString.masked(location) }
    if PostgresKeywords.looksLikeKeywords(location) { return PostgresKeywords.masked(location) }
    return location
}

private func maskedUserInfo(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return url }
    let rest = url[schemeEnd.upperBound...]
    // The user info ends at the last "@" before the query, so a password may contain "@" or "/".
    // A password may also contain "?" or "#" (then the URL does not parse): when nothing before the
    // first "?" or "#" holds an "@", the last "@" of the whole string ends the user info.
    let beforeQuery = rest.prefix { $0 != "?" && $0 != "#" }
    guard let at = beforeQuery.lastIndex(of: "@") ?? rest.lastIndex(of: "@") else { return url }
    let userInfo = rest[..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return url }
    return String(url[..<schemeEnd.upperBound]) + userInfo[..<colon] + ":***" + url[at...]
}

/// Query parameters that carry a secret in the URL forms frs accepts.
private let secretQueryNames: Set<String> = ["password", "pwd", "sslpassword", "passfile"]

private func maskedURLQuery(_ url: String) -> String {
    guard let question = url.firstIndex(of: "?") else { return url }
    let query = url[url.index(after: question)...]
    let masked = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
        guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
        let name = pair[..<equals].removingPercentEncoding ?? String(pair[..<equals])
        return secretQueryNames.contains(name.lowercased()) ? pair[..<equals] + "=***" : String(pair)
    }
    return String(url[...question]) + masked.joined(separator: "&")
}

/// The parts of `postgres://user:pass@host:port/db?sslmode=...&host=/socket/dir&search_path=...`,
/// or of the same settings as a libpq keyword string (`host=db port=5432 dbname=frs user=frs password=...`).
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

    /// Throws a message that shows the location masked only.
    init(_ string: String) throws {
        func invalid(_ why: String) -> FaceStoreError {
            FaceStoreError(.invalidURL, operation: "open", backend: .postgres, detail: "\(why): \(maskedURL(string))")
        }
        if DatabaseLocation.scheme(of: string) == nil && PostgresKeywords.looksLikeKeywords(string) {
            try self.init(keywords: PostgresKeywords.parse(string), invalid: invalid)
            return
        }
        guard let components = URLComponents(string: string) else {
            throw invalid("not a valid URL (characters such as # ? @ / in a password must be percent-encoded, e.g. %23)")
        }
        guard let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("expected postgres://user:password@host:port/database")
        }
        guard let user = components.user, !user.isEmpty else { throw invalid("no user name") }
        // URLComponents already percent-decodes user, password and path; decoding again would corrupt "%".
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var keywords: [(String, String)] = [("user", user)]
        if let password = components.password { keywords.append(("password", password)) }
        if let host = components.host, !host.isEmpty { keywords.append(("host", host)) }
        if let port = components.port { keywords.append(("port", String(port))) }
        if !path.isEmpty { keywords.append(("dbname", path)) }
        // Query items: libpq's keywords (password, sslmode, host=/dir, ...) or run-time parameters.
        for item in components.queryItems ?? [] { keywords.append((item.name, item.value ?? "")) }
        try self.init(keywords: keywords, invalid: invalid, unknownAreParameters: true)
    }

    /// From libpq keywords; `unknownAreParameters`: URL query items that are not keywords become
    /// run-time parameters (a keyword string has no such escape hatch, so an unknown keyword is an error).
    private init(keywords: [(String, String)], invalid: (String) -> FaceStoreError,
                 unknownAreParameters: Bool = false) throws {
        user = ""
        password = nil
        host = "localhost"
        port = 5432
        database = nil
        socketDirectory = nil
        tls = .prefer
        parameters = []
        for (name, value) in keywords {
            switch name {
            case "user": user = value
            case "password": password = value
            case "dbname": database = value.isEmpty ? nil : value
            case "port":
                guard let number = Int(value), (1...65535).contains(number) else { throw invalid("port must be a number from 1 to 65535") }
                port = number
            case "host" where value.hasPrefix("/"): socketDirectory = value
            case "host": host = value.isEmpty ? "localhost" : value
            case "sslmode":
                switch value {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw invalid("unknown sslmode '\(value)'")
                }
            case "application_name", "search_path", "options":
                parameters.append((name, value))
            default:
                guard unknownAreParameters else {
                    throw invalid("unsupported keyword '\(name)' (supported: host, port, dbname, user, password, sslmode, application_name, search_path)")
                }
                parameters.append((name, value))
            }
        }
        guard !user.isEmpty else { throw invalid("no user name") }
    }
}

/// libpq's `keyword=value` connection strings: pairs separated by spaces, values optionally in single
/// quotes with `\'` and `\\` escapes.
enum PostgresKeywords {
    static let known: Set<String> = ["host", "hostaddr", "port", "dbname", "user", "password", "sslmode",
                                     "application_name", "connect_timeout", "options", "search_path"]

    /// True for `host=... dbname=...` and the like: the first word is a known keyword followed by `=`.
    static func looksLikeKeywords(_ text: String) -> Bool {
        let start = text.drop { $0 == " " }
        guard let equals = start.firstIndex(of: "=") else { return false }
        let name = start[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        return known.contains(name)
    }

    /// The pairs in order. Throws (without echoing the text) on an unterminated quote or a word without `=`.
    static func parse(_ text: String) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        var chars = Array(text)[...]
        func skipSpaces() { while let c = chars.first, c.isWhitespace { chars = chars.dropFirst() } }
        func fail(_ why: String) -> FaceStoreError {
            FaceStoreError(.invalidURL, operation: "open", backend: .postgres, detail: "\(why): \(masked(text))")
        }
        while true {
            skipSpaces()
            guard !chars.isEmpty else { return pairs }
            var name = ""
            while let c = chars.first, c != "=", !c.isWhitespace { name.append(c); chars = chars.dropFirst() }
            skipSpaces()
            guard chars.first == "=" else { throw fail("expected keyword=value") }
            chars = chars.dropFirst()
            skipSpaces()
            var value = ""
            if chars.first == "'" {
                chars = chars.dropFirst()
                var closed = false
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if c == "\\", let next = chars.first {
                        value.append(next)
                        chars = chars.dropFirst()
                    } else if c == "'" {
                        closed = true
                        break
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { throw fail("unterminated quoted value for '\(name)'") }
            } else {
                while let c = chars.first, !c.isWhitespace {
                    if c == "\\", chars.count > 1 {
                        chars = chars.dropFirst()
                        value.append(chars.first!)
                    } else {
                        value.append(c)
                    }
                    chars = chars.dropFirst()
                }
            }
            pairs.append((name.lowercased(), value))
        }
    }

    /// The string with the value of `password` replaced by `***`, whatever its quoting.
    static func masked(_ text: String) -> String {
        var result = ""
        var chars = Array(text)[...]
        while !chars.isEmpty {
            // Copy up to and including the next "=", remembering the word before it ("password = x" too).
            var word = "", afterSpace = false
            while let c = chars.first, c != "=" {
                result.append(c)
                if c.isWhitespace {
                    afterSpace = true
                } else {
                    if afterSpace { word = "" }
                    afterSpace = false
                    word.append(c)
                }
                chars = chars.dropFirst()
            }
            guard chars.first == "=" else { break }
            result.append("=")
            chars = chars.dropFirst()
            while let c = chars.first, c.isWhitespace { result.append(c); chars = chars.dropFirst() }
            // Consume the value, quoted or not.
            var value = ""
            if chars.first == "'" {
                value.append("'")
                chars = chars.dropFirst()
                while let c = chars.first {
                    chars = chars.dropFirst()
                    value.append(c)
                    if c == "\\", let next = chars.first { value.append(next); chars = chars.dropFirst() } else if c == "'" { break }
                }
            } else {
                while let c = chars.first, !c.isWhitespace {
                    value.append(c)
                    chars = chars.dropFirst()
                    if c == "\\", let next = chars.first { value.append(next); chars = chars.dropFirst() }
                }
            }
            result += word.lowercased() == "password" ? "***" : value
        }
        return result
    }
}
