import FacePipeline
import FaceVision
import Foundation

/// How `frs serve` runs. `validate()` enforces the rule that keeps a library private: a server
/// reachable from other machines must have a token, and the token must be worth the name.
public struct WebConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (printed when the server is up).
    public var port: Int
    /// Required on any address but loopback; when set, every request must carry it.
    public var token: String?
    public var dataDirectory: DataDirectory
    /// Where the search page's models are (installed on the first search).
    public var models: ModelStore
    /// Largest request body (search uploads, forms); bigger ones get 413.
    public var uploadLimit: Int
    /// How many upload limits' worth of request bodies are held in memory at once (`BodyBudget`); past
    /// that, a POST gets 503.
    public var concurrentUploads: Int
    /// A connection that sends nothing for this long is closed: a client that trickles its headers
    /// (slowloris) is dropped after it, whatever it sends byte by byte, because the timer restarts only
    /// on a whole header block or a body part.
    public var idleTimeout: Duration
    /// Session cookies get `Secure` on every response, not only behind a loopback proxy that says
    /// `X-Forwarded-Proto: https`. For a TLS proxy on another machine.
    public var secureCookies: Bool

    /// The `embedding_flip` setting: searches embed uploads, and suggestions read faces, this way.
    public var embeddingFlip = FaceNet.defaultFlip

    public static let defaultUploadLimit = 20 * 1024 * 1024
    public static let defaultIdleTimeout: Duration = .seconds(30)
    public static let minimumTokenLength = 16

    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil,
                dataDirectory: DataDirectory, models: ModelStore, uploadLimit: Int = defaultUploadLimit,
                idleTimeout: Duration = defaultIdleTimeout, secureCookies: Bool = false, concurrentUploads: Int = 8) {
        self.host = host
        self.port = port
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.dataDirectory = dataDirectory
        self.models = models
        self.uploadLimit = uploadLimit
        self.idleTimeout = idleTimeout
        self.secureCookies = secureCookies
        self.concurrentUploads = concurrentUploads
    }

    /// Whether `--host` is a loopback address: the same rule as the Host header (`LoopbackHost`).
    public var isLoopback: Bool { LoopbackHost.isLoopback(address: host) }

    public func validate() throws {
        if !isLoopback && token == nil {
            throw WebConfigurationError("""
                refusing to listen on \(host) without a token: anyone who can reach it could rename and delete \
                persons and see every photo. Set FRS_WEB_TOKEN or give --token-file (or bind to 127.0.0.1).
                """)
        }
        if let token { try Self.checkToken(token) }
        guard (0...65535).contains(port) else { throw WebConfigurationError("port \(port) is not between 0 and 65535") }
        guard uploadLimit > 0 else { throw WebConfigurationError("the upload limit must be at least 1 byte") }
        guard concurrentUploads > 0 else { throw WebConfigurationError("at least one upload must fit in memory at once") }
        guard idleTimeout > .zero else { throw WebConfigurationError("the idle timeout must be more than 0 seconds") }
    }

    /// A token travels in a header and a form field: visible ASCII only (a space or a newline would be
    /// trimmed on the way and never match), long, and not one character repeated.
    static func checkToken(_ token: String) throws {
        let advice = "use at least \(minimumTokenLength) random characters (e.g. `openssl rand -hex 16`)"
        guard token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw WebConfigurationError("the token contains spaces, control or non-ASCII characters: \(advice)")
        }
        guard token.count >= minimumTokenLength else { throw WebConfigurationError("the token is too short: \(advice)") }
        guard Set(token).count >= 8 else {
            throw WebConfigurationError("the token repeats too few different characters to be secret: \(advice)")
        }
    }
}

public struct WebConfigurationError: Error, CustomStringConvertible, LocalizedError {
    public var description: String
    init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}

/// The names that mean "this machine" and that no DNS answer can stand for: a literal IPv4 loopback
/// address (four decimal octets, the first 127), `localhost` and the IPv6 `::1`. A name that merely
/// starts with `127.` (`127.0.0.1.attacker.example`) is a DNS name like any other.
public enum LoopbackHost {
    /// A `Host` header: an address as above, `[::1]` in brackets, each with an optional port.
    public static func isLoopback(hostHeader: String) -> Bool {
        var host = Substring(hostHeader)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || isPort(rest) else { return false }
            return host[host.index(after: host.startIndex)..<close] == "::1"
        }
        if let colon = host.firstIndex(of: ":") {
            guard isPort(host[colon...]) else { return false }
            host = host[..<colon]
        }
        return host.lowercased() == "localhost" || isIPv4Loopback(host)
    }

    /// A listening address (`--host`): no port; IPv6 with or without brackets.
    public static func isLoopback(address: String) -> Bool {
        address.lowercased() == "localhost" || address == "::1" || address == "[::1]" || isIPv4Loopback(Substring(address))
    }

    /// ":" and 1 to 5 digits up to 65535.
    static func isPort(_ text: Substring) -> Bool {
        let digits = text.dropFirst()
        return text.first == ":" && (1...5).contains(digits.count) && digits.allSatisfy(\.isASCIIDigit)
            && Int(digits).map { $0 <= 65535 } == true
    }

    /// Four decimal octets 0...255 without leading zeros (which some resolvers read as octal), the first 127.
    static func isIPv4Loopback(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy(\.isASCIIDigit),
                  octet == "0" || octet.first != "0", let value = Int(octet), value <= 255 else { return false }
        }
        return octets[0] == "127"
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
