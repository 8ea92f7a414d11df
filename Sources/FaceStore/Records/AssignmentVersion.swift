import Foundation

/// A cheap fingerprint of the assigned faces. Every change of a face's person writes a
/// `FaceAssignments` row; faces are added with new ids; removing an assigned face changes the first
/// count, embedding one the second. So any change to "which embedded face belongs to whom" changes
/// a field.
public struct AssignmentVersion: Sendable, Equatable {
    public var lastAssignment: Int64
    public var lastFace: Int64
    public var assignedFaces: Int
    public var assignedWithoutEmbedding: Int

    public init(lastAssignment: Int64, lastFace: Int64, assignedFaces: Int, assignedWithoutEmbedding: Int) {
        self.lastAssignment = lastAssignment
        self.lastFace = lastFace
        self.assignedFaces = assignedFaces
        self.assignedWithoutEmbedding = assignedWithoutEmbedding
    }
}
