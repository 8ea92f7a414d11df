import FaceStore
import Foundation

// The shapes the CLI (`--json`) and the web API print; one definition so both stay the same.

/// One person in a listing.
public struct PersonRow: Codable, Sendable, Equatable {
    public var id: Int64
    public var number: Int64?
    public var name: String
    public var faces: Int
    /// How many photos show the person; absent from lists of persons, which do not count them.
    public var photos: Int?
    public var hidden: Bool
    public var userNamed: Bool
    /// The face shown as portrait (the stored portrait while it still belongs to the person, else the first face).
    public var portraitFaceId: Int64?
    public var portraitThumbnail: String?
    /// "YYYY-MM-DD"; nil when not given.
    public var birthDate: String?

    init(_ summary: PersonSummary, portrait: FaceDetail?) {
        self.init(summary.person, faces: summary.faceCount, photos: summary.photoCount, portrait: portrait)
    }

    init(_ person: Person, faces: Int, photos: Int?, portrait: FaceDetail?) {
        id = person.id
        number = person.number
        name = PersonRow.displayName(person)
        self.faces = faces
        self.photos = photos
        hidden = person.isHidden
        userNamed = person.isUserNamed
        portraitFaceId = portrait?.face.id
        portraitThumbnail = portrait?.face.thumbnailName
        birthDate = person.birthDate?.description
    }

    /// Rows written by the original system may have no name; they still need a label.
    public static func displayName(_ person: Person) -> String {
        person.name ?? person.number.map(Person.machineName(number:)) ?? "Person \(person.id)"
    }
}

/// One face with where it was found.
public struct FaceRow: Codable, Sendable, Equatable {
    public var id: Int64
    public var personId: Int64?
    public var mediaFileId: Int64
    public var path: String
    /// The video frame the face is on; nil for photos.
    public var frame: Int?
    /// [x1, y1, x2, y2] in source-image pixels.
    public var box: [Double]?
    public var thumbnail: String?
    public var verified: Bool
    public var score: Double?
    /// When the photo or video was taken, ISO 8601 (without a zone when the camera did not say one).
    public var capturedAt: String?

    public init(_ detail: FaceDetail) {
        id = detail.face.id
        personId = detail.face.personId
        mediaFileId = detail.mediaFileId
        path = detail.mediaPath
        frame = detail.face.frameNumber
        box = detail.face.box.map { [$0.x1, $0.y1, $0.x2, $0.y2] }
        thumbnail = detail.face.thumbnailName
        verified = detail.face.isUserVerified
        score = detail.face.score
        capturedAt = detail.capturedAt?.iso8601
    }
}

/// A person with one page of their faces.
public struct PersonPage: Codable, Sendable, Equatable {
    public var person: PersonRow
    public var faces: [FaceRow]
    /// The `after` of the next page of faces; nil on the last.
    public var next: String?
}

/// What an action did, or with `dryRun` would do.
public struct ChangeReport: Codable, Sendable, Equatable {
    public var action: String
    public var message: String
    public var dryRun: Bool
    /// The person the action ended on (the merge target, the new person of a move), when there is one.
    public var personId: Int64?
    public var faces: [Int64]
    /// Done anyway, but the user should know (a face moved to a person born after its photo was taken).
    public var warnings: [String] = []
}

/// The work queue and the people, for the status page.
public struct LibraryStatus: Codable, Sendable, Equatable {
    public var pending: Int
    public var leased: Int
    public var done: Int
    public var failed: Int
    public var persons: Int
    public var hiddenPersons: Int
    public var unassignedFaces: Int
    /// When a worker last finished a media item; nil when none has.
    public var lastRun: Date?
}

public enum PeopleSort: String, CaseIterable, Codable, Sendable {
    case name, faces, id
}
