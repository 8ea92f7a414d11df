import FRSTestSupport
import FaceClustering
import FaceStore
import Foundation
import StoreTestSupport
import Testing

/// LFW photos of a few people, for recognition tests: `people` identities with `photos` photos each.
enum LFWSample {
    static var root: URL { SharedData.lfw }

    static func photos(people: Int, photos: Int) throws -> [(path: String, identity: String)] {
        let text = try String(contentsOf: root.appendingPathComponent("labels.csv"), encoding: .utf8)
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map(String.init) }
        let byIdentity = Dictionary(grouping: rows, by: { $0[1] }).filter { $0.value.count >= photos }
        return byIdentity.keys.sorted().prefix(people).flatMap { identity in
            byIdentity[identity]!.prefix(photos).map { ($0[0], identity) }
        }
    }

    /// Copies photos into `folder` (flat, named after the identity).
    static func copy(_ photos: [(path: String, identity: String)], to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for photo in photos {
            try FileManager.default.copyItem(at: root.appendingPathComponent(photo.path),
                                             to: folder.appendingPathComponent(URL(fileURLWithPath: photo.path).lastPathComponent))
        }
    }
}

/// `frs export faces --json`, parsed.
struct ExportedRow: Decodable, Equatable {
    var face_id: Int64
    var path: String
    var box: [Double]?
    var person_id: Int64?
    var person_name: String?
    var captured_at: String?
}

extension Library {
    func export() async throws -> [ExportedRow] {
        let result = try await frs(["export", "faces", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(ExportedRow.self, from: Data($0.utf8)) }
    }

    /// BCubed F of the labelled (centre) face of each LFW photo; identity from the file name.
    func bcubedF() async throws -> ClusteringScores {
        let rows = try await export()
        var predicted: [Int] = [], truth: [Int] = [], identities: [String: Int] = [:]
        for (path, faces) in Dictionary(grouping: rows, by: \.path) {
            let centre = faces.min { a, b in Self.offCentre(a) < Self.offCentre(b) }!
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let identity = String(name[..<name.lastIndex(of: "_")!])
            predicted.append(centre.person_id.map(Int.init) ?? -1)
            truth.append(identities[identity] ?? { identities[identity] = identities.count; return identities.count - 1 }())
        }
        return ClusteringMetrics.evaluate(predicted: predicted, truth: truth)
    }

    static func offCentre(_ row: ExportedRow) -> Double {
        guard let b = row.box else { return .infinity }
        let dx = (b[0] + b[2]) / 2 - 125, dy = (b[1] + b[3]) / 2 - 125
        return dx * dx + dy * dy
    }
}

@Suite("Recognition: persons from faces", .serialized)
struct RecognitionTests {
    @Test("incremental runs group as well as one run; a second run changes nothing", arguments: TestBackends.all)
    func incrementalEqualsOneShot(backend: StoreBackend) async throws {
        let photos = try LFWSample.photos(people: 10, photos: 6)
        try #require(photos.count == 60, "LFW sample: \(photos.count) photos")
        let firstHalf = photos.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let secondHalf = photos.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)

        let once = try await Library.make(backend, photos: [])
        defer { Task { await once.destroy() } }
        try LFWSample.copy(photos, to: once.photos)
        let all = try await once.frs(["--all", once.photos.path])
        #expect(all.status == 0 && all.stdout.contains("60 new"), "\(all.stdout)\(all.stderr)")
        let oneShot = try await once.bcubedF()
        #expect(oneShot.bcubedF > 0.9, "one run: \(oneShot)")

        // Running again does nothing new.
        let before = try await once.export()
        let again = try await once.frs(["run"])
        #expect(again.status == 0 && again.stdout.contains("0 new,"), "\(again.stdout)")
        await #expect(try once.export() == before)

        let stepwise = try await Library.make(backend, photos: [])
        defer { Task { await stepwise.destroy() } }
        try LFWSample.copy(firstHalf, to: stepwise.photos)
        await #expect(try stepwise.frs(["run", stepwise.photos.path]).status == 0)
        try LFWSample.copy(secondHalf, to: stepwise.photos)
        let second = try await stepwise.frs(["run"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("matched"), "\(second.stdout)")
        let incremental = try await stepwise.bcubedF()
        #expect(abs(incremental.bcubedF - oneShot.bcubedF) <= 0.01, "incremental \(incremental) vs one run \(oneShot)")
    }

    @Test("a user-named person and a confirmed face survive recluster --full", arguments: TestBackends.all)
    func userChoicesSurviveFullRecluster(backend: StoreBackend) async throws {
        let photos = try LFWSample.photos(people: 6, photos: 5)
        let library = try await Library.make(backend, photos: [])
        defer { Task { await library.destroy() } }
        try LFWSample.copy(photos, to: library.photos)
        #expect(try await library.frs(["run", library.photos.path]).status == 0)

        let store = try await library.openStore()
        let persons = try await store.persons(includeHidden: true)
        try #require(persons.count >= 3, "the run should find several persons")
        let named = persons[0].person.id
        try await store.rename(person: named, to: "Ada Example")
        let namedFaces = Set(try await store.faces(person: named).map(\.id))
        // A confirmed face moved by the user to another machine person.
        let other = persons[1].person.id
        let confirmed = try await store.faces(person: persons[2].person.id)[0].id
        try await store.assign(faces: [confirmed], to: other, reason: .user, actor: "tester")
        try await store.setVerified(faces: [confirmed], verified: true)
        let numbersBefore = Set(persons.compactMap(\.person.number))
        try await store.close()

        let result = try await library.frs(["--recluster", "--full"])
        #expect(result.status == 0, "\(result.stderr)")

        let after = try await library.openStore()
        defer { Task { try? await after.close() } }
        let person = try #require(try await after.person(id: named), "the named person must survive")
        #expect(person.name == "Ada Example" && person.isUserNamed)
        #expect(namedFaces.isSubset(of: Set(try await after.faces(person: named).map(\.id))), "a named person only gains faces")
        #expect(try await after.faces(person: other).contains { $0.id == confirmed }, "a confirmed face stays where the user put it")
        // Numbers are stable: surviving machine persons keep theirs, new ones get new numbers.
        let newNumbers = try await after.persons(includeHidden: true).compactMap(\.person.number)
        #expect(Set(newNumbers).count == newNumbers.count)
        #expect(!Set(newNumbers).intersection(numbersBefore).isEmpty)
    }
}
