import Foundation

/// "Not this person": the user took this face away from this person (or said it is not them), so
/// no automatic step may give it to them again.
public struct FaceRejection: Sendable, Equatable, Hashable {
    public var faceId: Int64
    public var personId: Int64
    public init(faceId: Int64, personId: Int64) { self.faceId = faceId; self.personId = personId }
}
