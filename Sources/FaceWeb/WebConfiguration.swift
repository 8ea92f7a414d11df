import FacePipeline
import FaceVision
import Foundation

/// How `frs serve` runs. `validate()` enforces the one rule that keeps a library private: a server
/// reachable from other machines must have a token.
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

    public static let defaultUploadLimit = 20 * 1024 * 1024

    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil,
                dataDirectory: DataDirectory, models: ModelStore, uploadLimit: Int = defaultUploadLimit) {
        self.host = host
        self.port = port
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.dataDirectory = dataDirectory
        self.models = models
        self.uploadLimit = uploadLimit
    }

    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public func validate() throws {
        if !isLoopback && token == nil {
            throw WebConfigurationError("""
                refusing to listen on \(host) without a token: anyone who can reach it could rename and delete \
                persons and see every photo. Give --token or set FRS_WEB_TOKEN (or bind to 127.0.0.1).
                """)
        }
        if let token, token.count < 16 {
            throw WebConfigurationError("the token is too short: use at least 16 characters (e.g. `openssl rand -hex 16`)")
        }
        guard (0...65535).contains(port) else { throw WebConfigurationError("port \(port) is not between 0 and 65535") }
    }
}

public struct WebConfigurationError: Error, CustomStringConvertible, LocalizedError {
    public var description: String
    init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}
