import Foundation

/// Which SQL engine a store talks to.
public enum StoreBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

public enum MediaKind: String, Sendable, Equatable {
    case image
    case video
}

/// Life cycle of a `MediaItems` row. A row that is being worked on stays `pending`
/// and carries a lease (`LeaseOwner`/`LeaseExpiresAt`); an expired lease makes it claimable again.
public enum ItemStatus: String, Sendable, Equatable {
    case pending
    case done
    case failed
}

/// What `frs add` learned about a file on disk.
public struct MediaFileInfo: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var mtime: Date
    /// SHA-256 of the content, lowercase hex.
    public var contentHash: String
    public var kind: MediaKind
    public var width: Int?
    public var height: Int?
    /// For a video: the frames to look at, one `MediaItems` row each. nil for a photo, which gets
    /// one row without a frame number.
    public var frames: [Int]?

    public init(path: String, size: Int64, mtime: Date, contentHash: String, kind: MediaKind,
                width: Int? = nil, height: Int? = nil, frames: [Int]? = nil) {
        self.path = path
        self.size = size
        self.mtime = mtime
        self.contentHash = contentHash
        self.kind = kind
        self.width = width
        self.height = height
        self.frames = frames
    }

    /// The frames that get their own `MediaItems` rows, with the rows' names (`clip.mp4#120`).
    var frameItems: (names: [String], frames: [Int])? {
        guard let frames, !frames.isEmpty else { return nil }
        return (frames.map { "\(fileName)#\($0)" }, frames)
    }

    /// Last path component, as the original system stored it in `FileName`.
    public var fileName: String { (path as NSString).lastPathComponent }
    /// Extension without the dot, lowercased (`jpg`), empty when there is none.
    public var fileExtension: String { (path as NSString).pathExtension.lowercased() }
}

/// A `MediaFile` row. Metadata is optional because rows written by the original system lack it.
public struct MediaFile: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var fileName: String?
    public var fileExtension: String?
    public var size: Int64?
    public var mtime: Date?
    public var contentHash: String?
    public var kind: MediaKind?
    public var width: Int?
    public var height: Int?
}

/// Result of `addMedia`.
public enum AddOutcome: Sendable, Equatable {
    /// A new file: its pending `MediaItems` rows were created (one, or one per video frame);
    /// `itemId` is the first.
    case added(fileId: Int64, itemId: Int64)
    /// Known path with the same size, mtime and hash (or a legacy row whose metadata was only filled in).
    case unchanged(fileId: Int64)
    /// Known path whose content changed: metadata updated, its faces deleted, its items pending again
    /// (a video's items are made anew, as its frames may differ). `removedThumbnails` are the
    /// thumbnail names (`Faces.Name`) of the deleted faces, for the caller to delete the files:
    /// faces the photo no longer shows must not stay visible.
    case changed(fileId: Int64, removedThumbnails: [String])

    public var fileId: Int64 {
        switch self {
        case .added(let id, _), .unchanged(let id), .changed(let id, _): id
        }
    }
}

/// A `MediaItems` row as a worker sees it.
public struct WorkItem: Sendable, Equatable {
    public var id: Int64
    public var mediaFileId: Int64
    public var path: String
    public var name: String?
    public var frameNumber: Int?
    public var kind: MediaKind?
    public var attempts: Int
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
}

/// A media item that failed, with the reason stored for it.
public struct FailedItem: Sendable, Equatable {
    public var itemId: Int64
    public var path: String
    public var error: String
    public var attempts: Int
}

/// Items per state. `leased` are pending items whose lease has not expired yet.
public struct StatusCounts: Sendable, Equatable {
    public var pending = 0
    public var leased = 0
    public var done = 0
    public var failed = 0

    public init(pending: Int = 0, leased: Int = 0, done: Int = 0, failed: Int = 0) {
        self.pending = pending
        self.leased = leased
        self.done = done
        self.failed = failed
    }

    public var total: Int { pending + leased + done + failed }
}

/// A face box in source-image pixels; stored as the text "x1,y1,x2,y2" like the original system.
public struct BoundingBox: Sendable, Equatable {
    public var x1: Double
    public var y1: Double
    public var x2: Double
    public var y2: Double

    public init(x1: Double, y1: Double, x2: Double, y2: Double) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
    }

    /// Parses "x1,y1,x2,y2" (spaces allowed); nil for anything else.
    public init?(text: String) {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let x1 = parts[0], let y1 = parts[1], let x2 = parts[2], let y2 = parts[3] else {
            return nil
        }
        self.init(x1: x1, y1: y1, x2: x2, y2: y2)
    }

    /// Shortest text that parses back to the same doubles.
    public var text: String { [x1, y1, x2, y2].map { "\($0)" }.joined(separator: ",") }
}

/// A face found by the detector, handed to `complete`.
public struct NewFace: Sendable, Equatable {
    public var box: BoundingBox
    public var score: Double?
    /// Five (x, y) points, 10 floats.
    public var landmarks: [Float]?
    /// Face size in pixels (the detector's measure, e.g. the shorter box side).
    public var faceSize: Int?
    public var frameNumber: Int?
    /// Present when detection and embedding run in one pass.
    public var embedding: [Float]?
    public var embeddingModel: String?
    /// Defaults to the L2 norm of `embedding` when nil.
    public var quality: Double?

    public init(box: BoundingBox, score: Double? = nil, landmarks: [Float]? = nil, faceSize: Int? = nil,
                frameNumber: Int? = nil, embedding: [Float]? = nil, embeddingModel: String? = nil,
                quality: Double? = nil) {
        self.box = box
        self.score = score
        self.landmarks = landmarks
        self.faceSize = faceSize
        self.frameNumber = frameNumber
        self.embedding = embedding
        self.embeddingModel = embeddingModel
        self.quality = quality
    }
}

/// A `Faces` row.
public struct StoredFace: Sendable, Equatable {
    public var id: Int64
    public var mediaItemId: Int64
    public var personId: Int64?
    public var box: BoundingBox?
    /// `Faces.Name`: the thumbnail's file name.
    public var thumbnailName: String?
    public var frameNumber: Int?
    public var isUserVerified: Bool
    public var score: Double?
    public var landmarks: [Float]?
    public var faceSize: Int?
    public var embedding: [Float]?
    public var embeddingModel: String?
    public var quality: Double?
}

/// Where a face is: its media file, box and thumbnail; what the embedder needs to crop it.
public struct FaceLocation: Sendable, Equatable {
    public var faceId: Int64
    public var mediaItemId: Int64
    public var mediaPath: String
    public var frameNumber: Int?
    public var box: BoundingBox?
    public var landmarks: [Float]?
    public var thumbnailName: String?
    public var personId: Int64?
    public var score: Double?
}

/// One embedding to store with `setEmbeddings`.
public struct EmbeddingUpdate: Sendable, Equatable {
    public var faceId: Int64
    public var vector: [Float]
    public var model: String
    /// Defaults to the L2 norm of `vector` when nil.
    public var quality: Double?

    public init(faceId: Int64, vector: [Float], model: String, quality: Double? = nil) {
        self.faceId = faceId
        self.vector = vector
        self.model = model
        self.quality = quality
    }
}

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

/// What matching and clustering load for every embedded face.
public struct StoredEmbedding: Sendable, Equatable {
    public var faceId: Int64
    public var personId: Int64?
    public var vector: [Float]
    /// Two faces of one media item are different people.
    public var mediaItemId: Int64
    /// The embedding's norm before normalisation (low for blurred or tiny faces).
    public var quality: Double?
    /// A user put this face where it is; automatic steps never move it.
    public var isUserVerified: Bool
}

/// A `Persons` row.
public struct Person: Sendable, Equatable {
    public var id: Int64
    /// Stable number behind machine names `Unknown-N`; nil for rows written by the original system.
    public var number: Int64?
    public var name: String?
    public var rank: String?
    public var appointment: String?
    public var type: String?
    public var portraitFaceId: Int64?
    public var portraitMediaFileId: Int64?
    public var isHidden: Bool
    /// A user gave or confirmed the name; clustering must not rename such a person.
    public var isUserNamed: Bool

    /// The machine name for a stable number.
    public static func machineName(number: Int64) -> String { "Unknown-\(number)" }
}

/// A person with how many faces and distinct media files show them.
public struct PersonSummary: Sendable, Equatable {
    public var person: Person
    public var faceCount: Int
    public var photoCount: Int
}

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

/// How thumbnails are named from face ids. `complete` writes this into `Faces.Name`;
/// the caller writes the thumbnail files after `complete` returns the ids.
public typealias ThumbnailNaming = @Sendable (_ faceId: Int64) -> String

public enum Thumbnails {
    /// `<faceId>.jpg`
    public static let defaultNaming: ThumbnailNaming = { "\($0).jpg" }
}
