import FaceClustering
@testable import FacePipeline
import FaceStore
import FaceVision
import FRSTestSupport
import Foundation
import StoreTestSupport
import Testing

/// The birth-date rule in real SQLite and PostgreSQL stores: a face from a photo taken before a
/// person's birth date never goes to that person by machine (matching, clustering, full
/// reclusters), whatever the vectors say; a user may still put it there, and is warned.
@Suite("Birth-date rule", .serialized)
struct BirthDateTests {
    typealias C = ConstraintRecognitionTests

    static func taken(_ year: Int, month: Int = 6, day: Int = 1) -> CaptureTime {
        CaptureTime(year: year, month: month, day: day, hour: 12, minute: 0, second: 0, utcOffsetMinutes: nil)!
    }

    /// One photo per face, each taken at its capture time (nil: the file says nothing).
    static func add(_ store: any FaceStore, _ faces: [(NewFace, CaptureTime?)], tag: String) async throws -> [Int64] {
        var ids: [Int64] = []
        for (n, (face, time)) in faces.enumerated() {
            let info = MediaFileInfo(path: "/photos/\(tag)-\(n).jpg", size: 1000, mtime: Date(timeIntervalSince1970: 1_700_000_000),
                                     contentHash: "\(tag)-\(n)", kind: .image, width: 640, height: 480, capturedAt: time)
            guard case .added(_, let item) = try await store.addMedia(info) else { throw TestSetupError(description: "\(info.path) not new") }
            _ = try await store.claim(owner: "setup", limit: 10, leaseSeconds: 60)
            ids += try await store.complete(item: item, owner: "setup", faces: [face])
        }
        return ids
    }

    @Test("photos taken before the birth date stay out of the person: run, recluster --full, setting it later", arguments: TestBackends.all)
    func rule(backend: StoreBackend) async throws {
        try await C.withLibrary(backend) { store in
            let ada = C.Identity(31)
            let adult = try await Self.add(store, (0 ..< 4).map { (C.face(ada.face($0)), Self.taken(2020)) }, tag: "adult")
            // Look exactly like Ada, but taken in 2012, before the birth date the user will give.
            let early = try await Self.add(store, (10 ..< 12).map { (C.face(ada.face($0)), Self.taken(2012)) }, tag: "early")
            _ = try await Recognizer(store: store).run()
            let person = try #require(try await C.owner(adult[0], store))
            #expect(Set(try await store.faces(person: person).map(\.id)) == Set(adult + early), "no birth date yet: all one person")

            // The stored dates come back as they went in.
            let times = try await store.captureTimes()
            #expect(times[adult[0]] == Self.taken(2020) && times[early[0]] == Self.taken(2012))

            // Giving the birth date takes the machine's earlier faces away from the person.
            let people = try PeopleService(store: store, actor: "ann")
            let report = try await people.setBirthDate(person, to: CalendarDay(year: 2015, month: 3, day: 1))
            #expect(Set(report.faces) == Set(early) && report.warnings.isEmpty, "\(report)")
            #expect(try await store.person(id: person)?.birthDate == CalendarDay(year: 2015, month: 3, day: 1))
            for face in early { #expect(try await C.owner(face, store) == nil) }

            // New faces: one from the birth day, one later, one undated join; ones from before do not.
            let later = try await Self.add(store, [(C.face(ada.face(20)), Self.taken(2015, month: 3, day: 1)),
                                                   (C.face(ada.face(21)), Self.taken(2022)),
                                                   (C.face(ada.face(22)), nil)], tag: "later")
            let before = try await Self.add(store, [(C.face(ada.face(30)), Self.taken(2015, month: 2, day: 28)),
                                                    (C.face(ada.face(31)), Self.taken(1999))], tag: "before")
            let summary = try await Recognizer(store: store).run()
            #expect(summary.matched + summary.clustered >= later.count)
            for face in later { #expect(try await C.owner(face, store) == person, "face \(face) is from the birth day or later") }
            for _ in 0 ..< 2 {
                for face in early + before {
                    let owner = try await C.owner(face, store)
                    #expect(owner != person, "face \(face) was taken before the person was born")
                }
                _ = try await Recognizer(store: store).recluster(full: true)
            }
            // The one list every proposer reads (matching, clustering, suggestions, review queues) rules them out.
            let refused = try await store.rejectedPersons()
            for face in early + before { #expect(refused[face] == [person]) }
            for face in adult + later { #expect(refused[face] == nil) }

            // The user may put one there by hand: done, with a warning, and kept by recluster --full.
            let moved = try await people.move(faces: [before[0]], to: .person(person))
            #expect(moved.warnings.count == 1 && moved.warnings[0].contains("2015-02-28T12:00:00"), "\(moved.warnings)")
            _ = try await Recognizer(store: store).recluster(full: true)
            #expect(try await C.owner(before[0], store) == person)

            // Without the birth date the same faces match again: the rule was what kept them out.
            _ = try await people.setBirthDate(person, to: nil)
            _ = try await Recognizer(store: store).run()
            for face in early + before { #expect(try await C.owner(face, store) == person) }
        }
    }

    @Test("birth dates: impossible and future dates are refused, with the reason", arguments: TestBackends.all)
    func validation(backend: StoreBackend) async throws {
        try await C.withLibrary(backend) { store in
            let person = try await store.createPerson(name: "Ada")
            let people = try PeopleService(store: store, actor: "ann")
            for text in ["2019-02-29", "2019-13-01", "19-01-01", "2019-1-1", "yesterday", "", "2019-01-01T00:00"] {
                #expect(throws: PeopleError.self, "\(text)") { try PeopleService.birthDate(parsing: text) }
            }
            let tomorrow = Calendar.current.date(byAdding: .day, value: 2, to: Date())!
            let c = Calendar.current.dateComponents([.year, .month, .day], from: tomorrow)
            let future = CalendarDay(year: c.year!, month: c.month!, day: c.day!)!
            #expect(throws: PeopleError.self) { try PeopleService.birthDate(parsing: future.description) }
            await #expect(throws: PeopleError.self) { try await people.setBirthDate(person.id, to: future) }
            #expect(try PeopleService.birthDate(parsing: "2020-02-29") == CalendarDay(year: 2020, month: 2, day: 29))
            _ = try await people.setBirthDate(person.id, to: CalendarDay(year: 2020, month: 2, day: 29))
            #expect(try await store.allPersons().first?.birthDate == CalendarDay(year: 2020, month: 2, day: 29))
            let dry = try await people.setBirthDate(person.id, to: nil, dryRun: true)
            #expect(dry.dryRun && dry.message.hasPrefix("would clear"))
            #expect(try await store.person(id: person.id)?.birthDate != nil)
            await #expect(throws: PeopleError.self) { try await people.setBirthDate(999_999, to: nil) }
        }
    }

    /// Real photos through `frs add` and `frs run`: the capture time comes from EXIF written into copies
    /// of a seed photo (the seed photos carry none), and two copies with the same face differ only in it.
    @Test("frs: a photo taken before the birth date is not matched to the person; one taken after is", arguments: TestBackends.all)
    func realPipeline(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: ["Imran-Khan.jpg", "IK.png", "IK_image.png"])
        defer { Task { await library.destroy() } }
        var result = try await library.frs(["run", library.photos.path])
        #expect(result.status == 0, "\(result.stderr)")

        // The user makes the person from the largest face of each photo and gives the birth date.
        let store = try await library.openStore()
        let people = try PeopleService(store: store, actor: "ann")
        let largest = Dictionary(grouping: try await people.faces(.all), by: \.path).values.map { faces in
            faces.max { a, b in Self.area(a) < Self.area(b) }!.id
        }
        try #require(largest.count == 3)
        let imran = try #require(try await people.move(faces: largest, to: .newPerson(name: "Imran Khan")).personId)
        try await store.close()
        result = try await library.frs(["people", "birth-date", "\(imran)", "1952-10-05"])
        #expect(result.status == 0 && result.stdout.contains("to 1952-10-05"), "\(result.stdout) \(result.stderr)")
        for bad in ["1952-02-30", "2999-01-01", "5.10.1952"] {
            result = try await library.frs(["people", "birth-date", "\(imran)", bad])
            #expect(result.status != 0 && result.stderr.contains("invalid birth date"), "\(bad): \(result.stderr)")
        }

        // The same photo twice: once dated before the birth date, once after (with the camera's offset).
        let later = library.root.appendingPathComponent("later")
        try FileManager.default.createDirectory(at: later, withIntermediateDirectories: true)
        let source = Library.seed.appendingPathComponent("Imran_Khan.jpg")
        try ExifPhoto.write(copyOf: source, to: later.appendingPathComponent("before.jpg"), dateTimeOriginal: "1950:01:01 10:00:00")
        try ExifPhoto.write(copyOf: source, to: later.appendingPathComponent("after.jpg"), dateTimeOriginal: "1990:06:01 12:00:00",
                            offset: "+05:00", bigEndian: true)
        result = try await library.frs(["run", later.path])
        #expect(result.status == 0, "\(result.stderr)")

        let rows = try await library.export()
        func main(_ name: String) -> ExportedRow? {
            rows.filter { $0.path.hasSuffix("/" + name) }.max { a, b in Self.area(a.box) < Self.area(b.box) }
        }
        let after = try #require(main("after.jpg")), before = try #require(main("before.jpg"))
        #expect(after.captured_at == "1990-06-01T12:00:00+05:00" && before.captured_at == "1950-01-01T10:00:00")
        #expect(after.person_id == imran, "taken after the birth date: matched")
        #expect(before.person_id != imran, "taken before the birth date: never Imran Khan by machine")
        #expect(rows.filter { $0.path.hasSuffix("/IK.png") }.allSatisfy { $0.captured_at == nil })

        result = try await library.frs(["people", "show", "\(imran)"])
        #expect(result.stdout.contains("born 1952-10-05") && result.stdout.contains("1990-06-01T12:00:00+05:00"), "\(result.stdout)")
        result = try await library.frs(["people", "list", "--csv"])
        #expect(result.stdout.contains(",1952-10-05"), "\(result.stdout)")

        // By hand it may go there: done, and the user is told.
        result = try await library.frs(["people", "move", "\(before.face_id)", "--to", "\(imran)"])
        #expect(result.status == 0 && result.stderr.contains("warning: face \(before.face_id) is from a photo taken 1950-01-01T10:00:00"),
                "\(result.stderr)")
    }

    static func area(_ face: FaceRow) -> Double { area(face.box) }
    static func area(_ box: [Double]?) -> Double {
        guard let b = box, b.count == 4 else { return 0 }
        return (b[2] - b[0]) * (b[3] - b[1])
    }
}
