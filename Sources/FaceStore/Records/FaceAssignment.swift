import Foundation

/// Why a face moved between persons; open-ended so callers can add reasons without a schema change.
public struct AssignmentReason: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let match: Self = "match"
    public static let cluster: Self = "cluster"
    public static let user: Self = "user"
    public static let recluster: Self = "recluster"
    public static let merge: Self = "merge"
    /// "Not this person": the user took the face away from the person; it never goes back by machine.
    public static let reject: Self = "reject"
    /// Written when a person is deleted and its faces become unassigned.
    public static let deletePerson: Self = "delete"
}

/// A `FaceAssignments` history row.
public struct FaceAssignment: Sendable, Equatable {
    public var id: Int64
    public var faceId: Int64
    public var fromPersonId: Int64?
    public var toPersonId: Int64?
    public var reason: AssignmentReason
    /// "frs" for the pipeline, else the user's name.
    public var actor: String
    public var createdAt: Date
}
