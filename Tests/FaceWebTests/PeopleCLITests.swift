import FRSTestSupport
import FacePipeline
import FaceStore
import Foundation
import StoreTestSupport
import Testing

/// Every `frs people` / `frs faces` / `frs search` action through the real binary, on both databases.
@Suite("People command line", .serialized)
struct PeopleCLITests {
    /// Runs frs with `--database` and returns stdout; fails the test on a non-zero exit.
    @discardableResult
    func frs(_ database: TestDatabase, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await FRSBinary.run(arguments + ["--database", database.location])
        #expect(result.status == 0, "frs \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    func withStore<T>(_ database: TestDatabase, _ body: (any FaceStore) async throws -> T) async throws -> T {
        try await withFaceStore(database.location, body)
    }

    @Test(arguments: TestBackends.all)
    func listShowAndFaces(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(await frs(database, ["people", "list", "--json"]).utf8)) as? [[String: Any]])
            #expect(rows.count == 3)
            #expect(Set(rows.compactMap { $0["name"] as? String }) == ["Hamid Mir", "Imran Khan", "Unknown-3"])
            #expect(rows.allSatisfy { $0["faces"] as? Int == 2 && $0["photos"] as? Int == 2 && $0["hidden"] as? Bool == false })

            let byName = try await frs(database, ["people", "list", "--sort", "name", "--csv"]).split(separator: "\n")
            #expect(byName[0] == "id,name,faces,photos,hidden,birth_date")
            #expect(byName.dropFirst().map { $0.split(separator: ",")[1] } == ["Hamid Mir", "Imran Khan", "Unknown-3"])
            let byId = try await frs(database, ["people", "list", "--sort", "id"])
            #expect(byId.contains("Hamid Mir"), "\(byId)")

            let show = try await frs(database, ["people", "show", String(library.hamid)])
            #expect(show.contains("Hamid_MIR.jpg") && show.contains("hamidMir.jpg"), "\(show)")
            #expect(show.contains("2 face(s) in 2 photo(s)"))

            let unassigned = try await frs(database, ["faces", "list", "--unassigned", "--json"])
            let unassignedIds = try #require(try JSONSerialization.jsonObject(with: Data(unassigned.utf8)) as? [[String: Any]])
                .compactMap { ($0["id"] as? NSNumber)?.int64Value }
            #expect(unassignedIds.contains(library.faces["Jenny.jpg"]!))
            #expect(unassignedIds.count == library.allFaces.count - 6)
            let ofImran = try await frs(database, ["faces", "list", "--person", String(library.imran)])
            #expect(ofImran.contains("Imran-Khan.jpg") && ofImran.contains("Imran_Khan.jpg"))

            let missing = try await FRSBinary.run(["people", "show", "987654", "--database", database.location])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("no person with id 987654"), "\(missing.stderr)")
        }
    }

    @Test(arguments: TestBackends.all)
    func renameMergeAndDryRuns(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            let dry = try await frs(database, ["people", "rename", String(library.shaista), "Shaista Lodhi", "--dry-run"])
            #expect(dry.hasPrefix("would rename"), "\(dry)")
            #expect(try await withStore(database) { try await $0.person(id: library.shaista)?.name } == "Unknown-3")

            try await frs(database, ["people", "rename", String(library.shaista), "Shaista Lodhi"])
            let renamed = try #require(try await withStore(database) { try await $0.person(id: library.shaista) })
            #expect(renamed.name == "Shaista Lodhi" && renamed.isUserNamed)

            // Both named: the target's name wins; the source is gone and its faces moved with history.
            let dryMerge = try await frs(database, ["people", "merge", String(library.imran), "--into", String(library.hamid), "--dry-run"])
            #expect(dryMerge.contains("would merge"))
            #expect(try await withStore(database) { try await $0.person(id: library.imran) } != nil)
            let merged = try await frs(database, ["people", "merge", String(library.imran), "--into", String(library.hamid), "--json"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(merged.utf8)) as? [String: Any])
            #expect(report["action"] as? String == "merge" && report["dryRun"] as? Bool == false)
            try await withStore(database) { (store: any FaceStore) async throws in
                #expect(try await store.person(id: library.imran) == nil)
                #expect(try await store.person(id: library.hamid)?.name == "Hamid Mir")
                let faces = try await store.faces(person: library.hamid).map(\.id)
                #expect(Set(faces) == Set(["Hamid_MIR.jpg", "hamidMir.jpg", "Imran-Khan.jpg", "Imran_Khan.jpg"].map { library.faces[$0]! }))
                let history = try await store.assignments(face: library.faces["Imran_Khan.jpg"]!)
                #expect(history.last?.reason == .merge && history.last?.fromPersonId == library.imran)
            }

            let bad = try await FRSBinary.run(["people", "merge", "424242", "--into", String(library.hamid), "--database", database.location])
            #expect(bad.status != 0 && bad.stderr.contains("424242"), "\(bad.stderr)")
            let badRename = try await FRSBinary.run(["people", "rename", "424243", "X", "--database", database.location])
            #expect(badRename.status != 0 && badRename.stderr.contains("424243"))
        }
    }

    @Test(arguments: TestBackends.all)
    func moveUnassignHideDelete(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            let jenny = library.faces["Jenny.jpg"]!
            let dry = try await frs(database, ["people", "move", String(jenny), "--to", String(library.shaista), "--dry-run"])
            #expect(dry.hasPrefix("would move"))
            try await withStore(database) { (store: any FaceStore) async throws in
                #expect(try await store.assignments(face: jenny).isEmpty)
            }

            try await frs(database, ["people", "move", String(jenny), "--to", String(library.shaista)])
            try await withStore(database) { (store: any FaceStore) async throws in
                let face = try #require(try await store.faces(person: library.shaista).first { $0.id == jenny })
                #expect(face.isUserVerified)
                let history = try await store.assignments(face: jenny)
                #expect(history.count == 1 && history[0].reason == .user && history[0].toPersonId == library.shaista)
            }

            let moved = try await frs(database, ["people", "move", String(jenny), "--new", "--name", "Jenny", "--json"])
            let newPerson = try #require(((try JSONSerialization.jsonObject(with: Data(moved.utf8)) as? [String: Any])?["personId"] as? NSNumber)?.int64Value)
            try await withStore(database) { (store: any FaceStore) async throws in
                #expect(try await store.person(id: newPerson)?.name == "Jenny")
                #expect(try await store.faces(person: newPerson).map(\.id) == [jenny])
            }

            try await frs(database, ["people", "unassign", String(jenny)])
            try await withStore(database) { (store: any FaceStore) async throws in
                #expect(try await store.faces(person: newPerson).isEmpty)
                #expect(try await store.assignments(face: jenny).last?.toPersonId == nil)
            }

            let badMove = try await FRSBinary.run(["people", "move", "999999", "--to", String(library.hamid), "--database", database.location])
            #expect(badMove.status != 0 && badMove.stderr.contains("999999"), "\(badMove.stderr)")
            let badTarget = try await FRSBinary.run(["people", "move", String(jenny), "--to", "888888", "--database", database.location])
            #expect(badTarget.status != 0 && badTarget.stderr.contains("888888"))

            try await frs(database, ["people", "hide", String(library.shaista)])
            #expect(try await withStore(database) { try await $0.person(id: library.shaista)?.isHidden } == true)
            #expect(!(try await frs(database, ["people", "list", "--no-hidden"]).contains("Unknown-3")))
            #expect(try await frs(database, ["people", "list"]).contains("Unknown-3"))
            try await frs(database, ["people", "unhide", String(library.shaista)])
            #expect(try await withStore(database) { try await $0.person(id: library.shaista)?.isHidden } == false)

            let dryDelete = try await frs(database, ["people", "delete", String(library.shaista), "--dry-run"])
            #expect(dryDelete.contains("would delete") && dryDelete.contains("2 face(s)"))
            try await frs(database, ["people", "delete", String(library.shaista)])
            try await withStore(database) { (store: any FaceStore) async throws in
                #expect(try await store.person(id: library.shaista) == nil)
                let face = library.faces["lodhi.jpg"]!
                #expect(try await store.assignments(face: face).last?.reason == .deletePerson)
            }
            #expect(try await frs(database, ["faces", "list", "--unassigned"]).contains("lodhi.jpg"))
        }
    }

    // The failure is injected with a trigger, written here for SQLite and PostgreSQL.
    @Test("a user's move and its confirmation are one transaction: both happen or neither",
          arguments: TestBackends.all.filter { $0 != .sqlServer })
    func moveAndConfirmationTogether(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            // The database refuses every change of IsUserVerified: the second half of a move fails.
            switch backend {
            case .sqlite:
                try await database.executeRaw("""
                    CREATE TRIGGER "refuse_verification" BEFORE UPDATE OF "IsUserVerified" ON "Faces"
                    BEGIN SELECT RAISE(ABORT, 'verification refused by the test'); END
                    """)
            case .postgres:
                try await database.executeRaw("""
                    CREATE FUNCTION "refuse_verification"() RETURNS trigger LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'verification refused by the test'; END $$
                    """)
                try await database.executeRaw("""
                    CREATE TRIGGER "refuse_verification" BEFORE UPDATE OF "IsUserVerified" ON "Faces"
                    FOR EACH ROW EXECUTE FUNCTION "refuse_verification"()
                    """)
            case .sqlServer:
                Issue.record("no failing trigger written for SQL Server")
                return
            }
            let jenny = library.faces["Jenny.jpg"]!, imran = library.faces["Imran_Khan.jpg"]!
            let commands = [["people", "move", String(jenny), "--to", String(library.shaista)],
                            ["people", "move", String(jenny), "--new", "--name", "Jenny"],
                            ["people", "unassign", String(imran)],
                            ["people", "delete", String(library.hamid)]]
            for command in commands {
                let result = try await FRSBinary.run(command + ["--database", database.location])
                #expect(result.status != 0, "\(command.joined(separator: " ")): the confirmation failed, so the change must fail")
            }
            try await withStore(database) { (store: any FaceStore) async throws in
                #expect(try await store.assignments(face: jenny).isEmpty, "no move without its confirmation")
                #expect(try await store.faces(person: library.imran).map(\.id).contains(imran), "no unassign without clearing the mark")
                #expect(try await store.person(id: library.hamid) != nil, "no delete without clearing the marks")
                #expect(try await store.allPersons().count == 3, "no empty new person left behind")
            }
        }
    }

    @Test(arguments: TestBackends.all)
    func searchFindsTheRightPerson(_ backend: StoreBackend) async throws {
        try await withSeededLibrary(backend) { database, library in
            // A stored photo of Imran Khan: its own face is among his, so he must come first.
            let photo = Paths.seed.appendingPathComponent("Imran_Khan.jpg").path
            let output = try await frs(database, ["search", photo, "--json"])
            let faces = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
            let best = try #require(faces.compactMap { ($0["matches"] as? [[String: Any]])?.first }
                .max { ($0["score"] as? Double ?? 0) < ($1["score"] as? Double ?? 0) })
            #expect((best["personId"] as? NSNumber)?.int64Value == library.imran, "\(output)")
            #expect(best["isMatch"] as? Bool == true)
            let text = try await frs(database, ["search", photo])
            #expect(text.contains("Imran Khan") && text.contains("(match)"), "\(text)")
        }
    }
}
