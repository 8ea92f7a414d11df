@testable import FaceStore
import Foundation
import Testing
@testable import FacePipeline

/// The rules that decide when an unassigned face joins a known person (`Recognizer.match`), on small
/// hand-made embeddings: person 1 lives near the first axis, person 2 near the second.
@Suite("Matching rules")
struct MatchingTests {
    static func unit(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    static func face(_ id: Int64, _ vector: [Float], person: Int64? = nil, item: Int64? = nil, quality: Double? = 20) -> StoredEmbedding {
        StoredEmbedding(faceId: id, personId: person, vector: unit(vector), mediaItemId: item ?? id, quality: quality, isUserVerified: false)
    }

    /// Two faces of person 1 and two of person 2, each in its own photo.
    static let known = [
        face(1, [1, 0.05, 0, 0], person: 1), face(2, [1, 0, 0.05, 0], person: 1),
        face(3, [0.05, 1, 0, 0], person: 2), face(4, [0, 1, 0.05, 0], person: 2),
    ]

    /// `match` reads no rows; the store is only there because a Recognizer needs one.
    static func matches(_ faces: [StoredEmbedding]) throws -> [Int64: Int64] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frs-match-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let recognizer = Recognizer(store: try SQLiteStore(path: folder.appendingPathComponent("frs.sqlite").path))
        return Dictionary(uniqueKeysWithValues: recognizer.match(faces).map { ($0.face, $0.person) })
    }

    @Test("a face clearly like one person joins it")
    func clearMatch() throws {
        #expect(try Self.matches(Self.known + [Self.face(10, [1, 0.02, 0.02, 0.1])]) == [10: 1])
    }

    @Test("a face as like two persons (within the margin), or like nobody, stays unassigned")
    func ambiguousOrUnknown() throws {
        let between = Self.face(10, [1, 1, 0, 0])
        let stranger = Self.face(11, [0, 0, 0, 1])
        #expect(try Self.matches(Self.known + [between, stranger]).isEmpty)
    }

    @Test("two faces of one photo never both join a person: the stronger one does")
    func onePerPhoto() throws {
        let strong = Self.face(10, [1, 0.01, 0.01, 0.05], item: 100)
        let weaker = Self.face(11, [1, 0.1, 0.1, 0.3], item: 100)
        #expect(try Self.matches(Self.known + [strong, weaker]) == [10: 1])
    }

    @Test("a face does not join a person its photo already shows")
    func photoAlreadyShowsPerson() throws {
        let sameItemAsFace1 = Self.face(10, [1, 0.02, 0.02, 0.1], item: 1)
        #expect(try Self.matches(Self.known + [sameItemAsFace1]).isEmpty)
    }

    @Test("a low-quality face (blurred, tiny: small embedding norm) is not matched")
    func lowQuality() throws {
        #expect(try Self.matches(Self.known + [Self.face(10, [1, 0.02, 0.02, 0.1], quality: 5)]).isEmpty)
    }
}
