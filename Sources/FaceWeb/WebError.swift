import FacePipeline
import FaceStore
import FaceVision
import Hummingbird
import NIOCore

/// An error with the HTTP status and the message the user sees: `{"error": "..."}` under /api, an HTML
/// page elsewhere. Errors that are not the client's doing and have no safe wording (store outages, bugs)
/// are not turned into one: Hummingbird answers them with a plain 500, and `ErrorMiddleware` logs them.
struct WebError: HTTPResponseError, CustomStringConvertible {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    var description: String { message }

    static func badRequest(_ message: String) -> WebError { WebError(status: .badRequest, message: message) }
    static func notFound(_ message: String) -> WebError { WebError(status: .notFound, message: message) }
    static func forbidden(_ message: String) -> WebError { WebError(status: .forbidden, message: message) }
    static func unauthorized(_ message: String) -> WebError {
        WebError(status: .unauthorized, message: message, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// 503 with `Retry-After`: the server is at one of its memory bounds.
    static func busy(_ message: String) -> WebError {
        WebError(status: .serviceUnavailable, message: message, headers: [.retryAfter: "5"])
    }

    static func tooLarge(limit: Int) -> WebError {
        WebError(status: .contentTooLarge, message: """
            upload too large: the limit is \(byteCount(limit)); send a smaller photo (e.g. resized to 4000 px)
            """)
    }

    static func tooManyAttempts(wait: Duration) -> WebError {
        let seconds = max(1, Int(wait.components.seconds) + 1)
        return WebError(status: .tooManyRequests, message: """
            too many wrong tokens from this address: wait \(seconds) seconds before trying again
            """, headers: [.retryAfter: String(seconds)])
    }

    /// "20 MB", "512 KB" or "1000 bytes" (binary units, as the limits are set).
    static func byteCount(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KB" }
        return "\(bytes) bytes"
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = request.uri.path.isAPIPath ? Responses.json(error: self) : Responses.errorPage(self)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension WebError {
    /// What an error means for the client, or nil when it has no meaning for them (see the type's comment).
    init?(_ error: any Error, uploadLimit: Int) {
        switch error {
        case let error as WebError: self = error
        case let error as PeopleError:
            switch error {
            case .noSuchPerson, .noSuchFaces: self = .notFound(error.description)
            case .notUnassigned: self.init(status: .conflict, message: error.description)
            case .invalidName, .nothingToDo, .invalidDate, .invalidCursor, .invalidArgument: self = .badRequest(error.description)
            }
        case let error as VisionError:
            switch error {
            case .unreadableImage(_, let reason): self = .badRequest("cannot use this image: \(reason)")
            case .imageOperation:
                self = .badRequest("cannot use this image: it could not be decoded or resized; save it as JPEG or PNG and try again")
            case .model, .modelInstall:
                self.init(status: .serviceUnavailable, message: """
                    face search is not available: the face models are missing or broken on the server; whoever \
                    runs it can install them with `frs models install`
                    """)
            case .inference: return nil
            }
        case let error as FaceStoreError where error.reason == .notFound: self = .notFound(error.description)
        case is NIOTooManyBytesError: self = .tooLarge(limit: uploadLimit)
        case let error as HTTPError:
            if error.status == .contentTooLarge {
                self = .tooLarge(limit: uploadLimit)
            } else if error.status == .notFound && error.body == nil {
                self = .notFound("no such page: see / for the people, or README (Web and API) for the API")
            } else {
                self.init(status: error.status, message: error.body ?? error.status.reasonPhrase, headers: error.headers)
            }
        default: return nil
        }
    }
}

extension String {
    /// `/api` and everything under it answer in JSON.
    var isAPIPath: Bool { self == "/api" || hasPrefix("/api/") }
}
