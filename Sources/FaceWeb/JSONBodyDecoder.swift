import Foundation
import Hummingbird

/// `request.decode` for the API's JSON bodies: a body that does not fit says which field is wrong and
/// what it should be, in words, instead of Swift's `DecodingError` dump.
public struct JSONBodyDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(T.self, from: buffer)
        } catch let error as DecodingError {
            throw WebError.badRequest("the body is not the JSON this endpoint takes: \(Self.explain(error))")
        }
    }

    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "\(field(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context): "\(field(context.codingPath)) should be \(kind(type))"
        case .valueNotFound(let type, let context): "\(field(context.codingPath)) is null; it should be \(kind(type))"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "it is not valid JSON" : "\(field(context.codingPath)) has an invalid value"
        @unknown default: "it does not have the expected fields"
        }
    }

    /// `field "faces[2]"`, or "the body" for the top level.
    static func field(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "the body" }
        let text = path.enumerated().map { index, key in
            key.intValue.map { "[\($0)]" } ?? (index == 0 ? key.stringValue : ".\(key.stringValue)")
        }.joined()
        return "field \"\(text)\""
    }

    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is any BinaryInteger.Type: "a whole number"
        case is any BinaryFloatingPoint.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
