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
    /// Every face still waiting for its embedding: with it, the unassigned embedded faces (what
    /// suggestions and review queues read) change a field too when one is embedded.
    public var facesWithoutEmbedding: Int = 0

    public init(lastAssignment: Int64, lastFace: Int64, assignedFaces: Int, assignedWithoutEmbedding: Int,
                facesWithoutEmbedding: Int = 0) {
        self.facesWithoutEmbedding = facesWithoutEmbedding
        self.lastAssignment = lastAssignment
        self.lastFace = lastFace
        self.assignedFaces = assignedFaces
        self.assignedWithoutEmbedding = assignedWithoutEmbedding
    }
}
