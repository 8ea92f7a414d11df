import FacePipeline
import FaceStore
import FaceVision
import Hummingbird

/// An error with the HTTP status and the message the user sees (pages and `{"error": ...}` alike).
struct WebError: Error, CustomStringConvertible {
    var status: HTTPResponse.Status
    var message: String

    var description: String { message }

    static func badRequest(_ message: String) -> WebError { WebError(status: .badRequest, message: message) }
    static func notFound(_ message: String) -> WebError { WebError(status: .notFound, message: message) }
    static func forbidden(_ message: String) -> WebError { WebError(status: .forbidden, message: message) }

    static func tooLarge(limit: Int) -> WebError {
        WebError(status: .contentTooLarge, message: """
            upload too large: the limit is \(limit / 1024 / 1024) MB; send a smaller photo (e.g. resized to 4000 px)
            """)
    }

    /// What any error means for the client. Store and driver details stay in the message only when
    /// they are the stores' own safe texts.
    static func from(_ error: any Error) -> WebError {
        switch error {
        case let error as WebError: return error
        case let error as PeopleError:
            switch error {
            case .noSuchPerson, .noSuchFaces: return WebError(status: .notFound, message: error.description)
            case .notUnassigned: return WebError(status: .conflict, message: error.description)
            case .invalidName, .nothingToDo: return .badRequest(error.description)
            }
        case let error as VisionError: return .badRequest("cannot use this image: \(error.description)")
        case let error as FaceStoreError where error.reason == .notFound: return .notFound(error.description)
        case let error as HTTPError:
            if error.status == .contentTooLarge { return .tooLarge(limit: WebConfiguration.defaultUploadLimit) }
            return WebError(status: error.status, message: error.body ?? "\(error.status)")
        default: return WebError(status: .internalServerError, message: "internal error: \(error)")
        }
    }
}
