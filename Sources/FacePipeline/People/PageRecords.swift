import FaceStore
import Foundation

// The pages of the people views, for the CLI (`--json`), the web pages and the API.
// Every list has `items` and `next`: the `after` that asks for the page after it (nil on the last page).

public struct PersonList: Codable, Sendable, Equatable {
    public var items: [PersonRow]
    public var next: String?
    /// Persons over all pages (of this search).
    public var total: Int
}

public struct FaceList: Codable, Sendable, Equatable {
    public var items: [FaceRow]
    public var next: String?
}

/// A face ranked against a person: how alike it is to the person's centre (cosine).
public struct RankedFace: Codable, Sendable, Equatable {
    public var face: FaceRow
    public var similarity: Float
}

/// "Is this <name>?" (unassigned faces most like the person) or "likely wrong" (the person's own
/// faces least like the rest of the person).
public struct ReviewList: Codable, Sendable, Equatable {
    public var person: PersonRow
    public var items: [RankedFace]
    public var next: String?
}

/// Two persons that are probably one.
public struct MergeSuggestion: Codable, Sendable, Equatable {
    public var first: PersonRow
    public var second: PersonRow
    /// Cosine similarity of the two persons' centres.
    public var similarity: Float
    /// Each is the other's nearest person.
    public var mutual: Bool
}

public struct MergeSuggestionList: Codable, Sendable, Equatable {
    public var items: [MergeSuggestion]
    public var next: String?
}

/// A face on a photo, with its person's name, for drawing boxes.
public struct PhotoFace: Codable, Sendable, Equatable {
    public var faceId: Int64
    public var personId: Int64?
    public var name: String?
    /// [x1, y1, x2, y2] in the photo's pixels (upright).
    public var box: [Double]?
    public var frame: Int?
    public var thumbnail: String?
}

public struct PhotoRow: Codable, Sendable, Equatable {
    public var mediaFileId: Int64
    public var path: String
    public var kind: String?
    public var width: Int?
    public var height: Int?
    public var capturedAt: String?
    public var faces: [PhotoFace]
}

/// Photos (and videos) in which every one of `persons` appears.
public struct PhotoList: Codable, Sendable, Equatable {
    public var persons: [PersonRow]
    public var items: [PhotoRow]
    public var next: String?
}
