import Foundation

/// Where and how to log in to SQL Server, from either accepted form:
/// `mssql://user:password@host:1433/database?instance=NAME&encrypt=require&login_timeout=15` or the
/// ODBC string the original system's `config.py` holds,
/// `DRIVER={SQL Server};SERVER=host,1433;DATABASE=db;UID=user;PWD=password`.
package struct SQLServerTarget: Equatable {
    var host: String
    /// nil with an instance name (SQL Server Browser resolves it) or when not given (1433).
    var port: Int?
    var instance: String?
    var database: String?
    var user: String
    var password: String
    /// FreeTDS `Encryption`: off, request or require.
    var encryption: String?
    var loginTimeoutSeconds = 15

    static func invalid(_ why: String, _ location: String) -> FaceStoreError {
        FaceStoreError(.invalidURL, operation: "open", backend: .sqlServer, detail: "\(why): \(maskedURL(location))")
    }

    init(host: String, port: Int? = nil, instance: String? = nil, database: String? = nil, user: String,
         password: String, encryption: String? = nil) {
        self.host = host
        self.port = port
        self.instance = instance
        self.database = database
        self.user = user
        self.password = password
        self.encryption = encryption
    }

    /// Parses either form; errors show the location masked.
    init(_ location: String) throws {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        if DatabaseLocation.scheme(of: trimmed) != nil {
            try self.init(url: trimmed, original: location)
        } else {
            try self.init(odbc: ODBCConnectionString.parse(trimmed), original: location)
        }
    }

    private init(url: String, original: String) throws {
        guard let components = URLComponents(string: url) else {
            throw Self.invalid("not a valid URL (characters such as # ? @ / in a password must be percent-encoded, e.g. %23)", original)
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "mssql" || scheme == "sqlserver" else {
            throw Self.invalid("expected mssql://user:password@host:1433/database", original)
        }
        guard let user = components.user, !user.isEmpty else {
            throw Self.invalid("no user name (SQL Server logins need user and password; Windows authentication is not available)", original)
        }
        guard let host = components.host, !host.isEmpty else { throw Self.invalid("no host", original) }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else { throw Self.invalid("the path must be just the database name", original) }
        self.init(host: host, port: components.port, database: path.isEmpty ? nil : path, user: user,
                  password: components.password ?? "")
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name.lowercased() {
            case "instance": instance = value.isEmpty ? nil : value
            case "encrypt", "encryption": encryption = try Self.encryption(value, original)
            case "login_timeout", "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else { throw Self.invalid("login_timeout must be a positive number of seconds", original) }
                loginTimeoutSeconds = seconds
            case "password", "pwd": password = value
            case "database": database = value
            default:
                throw Self.invalid("unknown option '\(item.name)' (known: instance, encrypt, login_timeout)", original)
            }
        }
        if instance != nil && port != nil { throw Self.invalid("give either a port or an instance name, not both", original) }
    }

    private init(odbc pairs: [(key: String, value: String)], original: String) throws {
        // ODBC: keywords are case-insensitive and the first occurrence of a keyword wins.
        var values: [String: String] = [:]
        for (key, value) in pairs where values[key.lowercased()] == nil { values[key.lowercased()] = value }
        func value(_ names: String...) -> String? { names.lazy.compactMap { values[$0] }.first }
        if let trusted = value("trusted_connection", "integrated security"), ["yes", "true", "sspi"].contains(trusted.lowercased()) {
            throw Self.invalid("Windows authentication (Trusted_Connection) is not available through FreeTDS; give UID and PWD of a SQL Server login", original)
        }
        if value("dsn") != nil {
            throw Self.invalid("DSN names are not supported; give SERVER, DATABASE, UID and PWD", original)
        }
        guard let server = value("server", "address", "addr", "data source"), !server.isEmpty else {
            throw Self.invalid("no SERVER", original)
        }
        guard let user = value("uid", "user id", "user"), !user.isEmpty else {
            throw Self.invalid("no UID (SQL Server logins need UID and PWD)", original)
        }
        let parts = try Self.server(server, original)
        self.init(host: parts.host, port: parts.port, instance: parts.instance,
                  database: value("database", "initial catalog"), user: user, password: value("pwd", "password") ?? "")
        if let port = value("port") {
            guard let number = Int(port), (1...65535).contains(number) else { throw Self.invalid("PORT must be a number from 1 to 65535", original) }
            guard instance == nil else { throw Self.invalid("give either a port or an instance name, not both", original) }
            self.port = number
        }
        if let encrypt = value("encrypt", "encryption") { encryption = try Self.encryption(encrypt, original) }
        if let timeout = value("login timeout", "connect timeout", "logintimeout") {
            guard let seconds = Int(timeout), seconds > 0 else { throw Self.invalid("Login Timeout must be a positive number of seconds", original) }
            loginTimeoutSeconds = seconds
        }
    }

    /// `host`, `host,port`, `host\instance`, `tcp:host,port`, `(local)` and `.`, as SQL Server's
    /// client tools write them.
    static func server(_ text: String, _ original: String) throws -> (host: String, port: Int?, instance: String?) {
        var rest = text.trimmingCharacters(in: .whitespaces)
        if rest.lowercased().hasPrefix("tcp:") { rest = String(rest.dropFirst(4)) }
        if rest.lowercased().hasPrefix("np:") || rest.lowercased().hasPrefix("lpc:") {
            throw invalid("named pipes and shared memory are Windows-only; use host,port", original)
        }
        var port: Int?
        if let comma = rest.lastIndex(of: ",") {
            guard let number = Int(rest[rest.index(after: comma)...].trimmingCharacters(in: .whitespaces)),
                  (1...65535).contains(number) else { throw invalid("the port after ',' must be a number from 1 to 65535", original) }
            port = number
            rest = String(rest[..<comma])
        }
        var instance: String?
        if let backslash = rest.firstIndex(of: "\\") {
            let name = String(rest[rest.index(after: backslash)...])
            guard !name.isEmpty else { throw invalid("empty instance name after '\\'", original) }
            // With a port the instance name is only a label (SQL Server's tools ignore it too).
            instance = port == nil ? name : nil
            rest = String(rest[..<backslash])
        }
        if rest == "." || rest.lowercased() == "(local)" || rest.lowercased() == "(localdb)" { rest = "localhost" }
        guard !rest.isEmpty else { throw invalid("no host in SERVER", original) }
        return (rest, port, instance)
    }

    static func encryption(_ value: String, _ original: String) throws -> String {
        switch value.lowercased() {
        case "no", "false", "off", "optional": return "off"
        case "request", "prefer": return "request"
        case "yes", "true", "require", "mandatory", "strict": return "require"
        default: throw invalid("encrypt must be yes/no (or off, request, require)", original)
        }
    }

    /// `location` (either form) pointed at `database` on the same server, e.g. a scratch database
    /// created through the login the location names.
    package static func location(_ location: String, database: String) throws -> String {
        let trimmed = location.trimmingCharacters(in: .whitespaces)
        if DatabaseLocation.scheme(of: trimmed) != nil {
            guard var components = URLComponents(string: trimmed) else { throw invalid("not a valid URL", location) }
            components.path = "/" + database
            guard let url = components.string else { throw invalid("cannot name database \(database)", location) }
            return url
        }
        let pairs = try ODBCConnectionString.parse(trimmed).filter { !["database", "initial catalog"].contains($0.key.lowercased()) }
        return ODBCConnectionString.build(pairs.map { ($0.key, $0.value) } + [("DATABASE", database)])
    }

    /// Drops a database even while sessions use it. `name` must be a generated identifier (it is
    /// quoted with brackets, not bound: DDL takes no parameters).
    package static func dropDatabase(_ name: String) -> String {
        precondition(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }, "not a generated name")
        return """
            IF DB_ID(N'\(name)') IS NOT NULL
            BEGIN
                ALTER DATABASE [\(name)] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
                DROP DATABASE [\(name)];
            END
            """
    }

    /// `host:port` or `host\instance`, for messages.
    var serverDescription: String {
        if let instance { return "\(host)\\\(instance)" }
        return "\(host):\(port ?? 1433)"
    }

    /// The string handed to FreeTDS through unixODBC. The user's DRIVER is not used: the original
    /// system named a Windows driver (`{SQL Server}`); on Linux frs talks TDS through FreeTDS.
    /// TDS 7.4 (SQL Server 2012 and later) carries DATETIME2 as a timestamp; UTF-8 for the ANSI calls.
    func odbcString(driver: String) -> String {
        var pairs: [(String, String)] = [("DRIVER", driver)]
        if let instance {
            pairs.append(("SERVER", "\(host)\\\(instance)"))
        } else {
            pairs.append(("SERVER", host))
            pairs.append(("PORT", String(port ?? 1433)))
        }
        if let database { pairs.append(("DATABASE", database)) }
        pairs.append(("UID", user))
        pairs.append(("PWD", password))
        pairs.append(("TDS_Version", "7.4"))
        pairs.append(("ClientCharset", "UTF-8"))
        pairs.append(("APP", "frs"))
        if let encryption { pairs.append(("Encryption", encryption)) }
        return ODBCConnectionString.build(pairs)
    }
}

/// ODBC connection strings: `key=value` pairs separated by `;`. A value in braces may hold `;`, `=`
/// and spaces, and `}}` stands for one `}` (Microsoft's SQLDriverConnect rules, which FreeTDS follows).
enum ODBCConnectionString {
    /// Keys that only ODBC strings start with; a libpq string or a path never begins with them.
    static let recognisedKeys: Set<String> = ["driver", "server", "dsn", "database", "uid", "pwd", "address", "addr",
                                              "data source", "initial catalog", "user id", "password",
                                              "trusted_connection"]

    /// True when the text has a `;`-separated pair whose key is an ODBC keyword (and `DRIVER`/`SERVER`/`DSN`
    /// somewhere), e.g. `DRIVER={SQL Server};SERVER=db;...`.
    static func looksLikeODBC(_ text: String) -> Bool {
        // Decided on the keys alone, so that a string with a broken value is still masked and refused as ODBC.
        let keys = text.split(separator: ";").compactMap { pair -> String? in
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            return pair[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard text.contains(";"), let first = keys.first, recognisedKeys.contains(first) else { return false }
        return !Set(keys).isDisjoint(with: ["driver", "server", "dsn", "address", "data source"])
    }

    /// The pairs in order, keys trimmed, values unquoted. Throws (masked) on an unterminated brace or
    /// text after a closing brace.
    static func parse(_ text: String) throws -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        var chars = Array(text)[...]
        func fail(_ why: String) -> FaceStoreError {
            FaceStoreError(.invalidURL, operation: "open", backend: .sqlServer, detail: "\(why): \(masked(text))")
        }
        while !chars.isEmpty {
            while let c = chars.first, c == ";" || c.isWhitespace { chars = chars.dropFirst() }
            guard !chars.isEmpty else { break }
            var key = ""
            while let c = chars.first, c != "=", c != ";" { key.append(c); chars = chars.dropFirst() }
            guard chars.first == "=" else { throw fail("expected KEY=value") }
            chars = chars.dropFirst()
            while let c = chars.first, c == " " { chars = chars.dropFirst() }
            var value = ""
            if chars.first == "{" {
                chars = chars.dropFirst()
                var closed = false
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if c == "}" {
                        if chars.first == "}" {
                            value.append("}")
                            chars = chars.dropFirst()
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        value.append(c)
                    }
                }
                let name = key.trimmingCharacters(in: .whitespaces)
                guard closed else { throw fail("unterminated '{' in the value of \(name)") }
                while let c = chars.first, c == " " { chars = chars.dropFirst() }
                guard chars.isEmpty || chars.first == ";" else { throw fail("text after '}' in the value of \(name)") }
            } else {
                while let c = chars.first, c != ";" { value.append(c); chars = chars.dropFirst() }
                value = value.trimmingCharacters(in: .whitespaces)
            }
            pairs.append((key.trimmingCharacters(in: .whitespaces), value))
        }
        return pairs
    }

    /// Quotes a value when it needs it: braces around it, `}` doubled.
    static func quote(_ value: String) -> String {
        let needsBraces = value.isEmpty || value.contains(where: { ";{}=".contains($0) })
            || value.first?.isWhitespace == true || value.last?.isWhitespace == true
        return needsBraces ? "{" + value.replacingOccurrences(of: "}", with: "}}") + "}" : value
    }

    /// Every pair ends with `;` (FreeTDS reads a braced value up to `};`).
    static func build(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(quote($0.1));" }.joined()
    }

    /// The string with PWD / Password values replaced by `***`, braced or not, complete or not.
    static func masked(_ text: String) -> String {
        var result = ""
        var chars = Array(text)[...]
        while !chars.isEmpty {
            var key = ""
            while let c = chars.first, c != "=" {
                result.append(c)
                key = c == ";" ? "" : key + String(c)
                chars = chars.dropFirst()
            }
            guard chars.first == "=" else { break }
            result.append("=")
            chars = chars.dropFirst()
            var value = ""
            while let c = chars.first, c == " " { value.append(c); chars = chars.dropFirst() }
            if chars.first == "{" {
                value.append("{")
                chars = chars.dropFirst()
                while let c = chars.first {
                    chars = chars.dropFirst()
                    value.append(c)
                    if c == "}" {
                        if chars.first == "}" { value.append("}"); chars = chars.dropFirst() } else { break }
                    }
                }
            }
            while let c = chars.first, c != ";" { value.append(c); chars = chars.dropFirst() }
            let name = key.trimmingCharacters(in: .whitespaces).lowercased()
            result += (name == "pwd" || name == "password") ? "***" : value
        }
        return result
    }
}
