import Foundation
import GRDB
import StoreTestSupport
import Testing
@testable import FaceStore

/// Keyset pages of persons and photos, the face counts the triggers keep, and "different people",
/// on every database.
@Suite("People paging")
struct PeoplePagingTests {
    /// Every page of `query`, `size` at a time, following each page's last person.
    static func allPages(_ store: any FaceBrowsing, _ query: PersonQuery, size: Int) async throws -> [PersonSummary] {
        var query = query
        query.limit = size
        var result: [PersonSummary] = []
        while true {
            let page = try await store.persons(query)
            #expect(page.count <= size)
            result += page
            guard page.count == size, let last = page.last else { return result }
            query.after = last.key
        }
    }

    /// What each order must give, computed from the rows themselves.
    static func expected(_ all: [PersonSummary], _ order: PersonOrder) -> [Int64] {
        switch order {
        case .faces: all.sorted { ($0.faceCount, -$0.person.id) > ($1.faceCount, -$1.person.id) }.map(\.person.id)
        case .name: all.sorted { ($0.key.sortName, $0.person.id) < ($1.key.sortName, $1.person.id) }.map(\.person.id)  // SQLite's byte order
        case .recent: all.sorted { ($0.modifiedKey!, $0.person.id) > ($1.modifiedKey!, $1.person.id) }.map(\.person.id)
        }
    }

    /// The face count each person really has.
    static func counted(_ store: any FaceBrowsing, _ ids: [Int64]) async throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        for id in ids { result[id] = try await store.faceCount(filter: .person(id)) }
        return result
    }

    @Test("face counts follow every assignment, move, merge, delete and re-detection", arguments: TestBackends.all)
    func faceCounts(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let store = try browsing(store)
            let faces = try await addCompleted(store, "/p/a.jpg", faces: (1...6).map { newFace($0) })
            let a = try await store.createPerson(name: "A", faces: Array(faces[0..<3]), reason: .user, actor: "t", verified: nil)
            let b = try await store.createPerson(name: nil, faces: [faces[3]], reason: .cluster, actor: "frs", verified: nil)
            let c = try await store.createPerson(name: nil)
            func check(_ what: String) async throws {
                let ids = try await store.allPersons().map(\.id)
                let stored = Dictionary(uniqueKeysWithValues: try await store.personSummaries(ids: ids).map { ($0.person.id, $0.faceCount) })
                #expect(stored == (try await Self.counted(store, ids)), "after \(what)")
            }
            try await check("creating")
            try await store.assign(faces: [faces[0], faces[4]], to: b.id, reason: .user, actor: "t")
            try await check("moving")
            try await store.assign(faces: [faces[1]], to: nil, reason: .user, actor: "t")
            try await check("unassigning")
            try await store.reject(faces: [faces[2]], from: a.id, actor: "t")
            try await check("rejecting")
            try await store.merge([b.id], into: c.id, actor: "t")
            try await check("merging")
            #expect(try await store.personSummaries(ids: [c.id]).first?.faceCount == 3)
            // The photo changes: its faces go (with their counts), new ones come unassigned.
            _ = try await store.addMedia(mediaInfo("/p/a.jpg", size: 2000, hash: String(repeating: "cd", count: 32)))
            try await check("re-detection")
            #expect(try await store.personSummaries(ids: [c.id]).first?.faceCount == 0)
            try await store.deletePerson(c.id, actor: "t")
            try await check("deleting")
        }
    }

    @Test("every order pages through all persons once, with search and hidden persons", arguments: TestBackends.all)
    func personPages(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let store = try browsing(store)
            let names = ["anna", "Bob", "Émile", "carl", "ANNA", "dora", "Anne-Marie", "50%_off", "eve", "bob", "Zoë", "al"]
            var faceNumber = 0
            for (index, name) in names.enumerated() {
                // Counts with ties: 0, 1, 2, 0, 1, 2, ...
                var faces: [NewFace] = []
                for _ in 0..<(index % 3) { faceNumber += 1; faces.append(newFace(faceNumber)) }
                let ids = faces.isEmpty ? [] : try await addCompleted(store, "/p/\(index).jpg", faces: faces)
                let person = try await store.createPerson(name: name, faces: ids, reason: .user, actor: "t", verified: nil)
                if index == 5 { try await store.setHidden(person: person.id, hidden: true) }
            }
            _ = try await store.createPerson(name: nil)  // a machine name
            let everyone = try await store.personSummaries(ids: try await store.allPersons().map(\.id))
            for order in PersonOrder.allCases {
                // Names order as the database's collation says (PostgreSQL's may be linguistic): one page is the reference.
                let reference = order == .name ? try await store.persons(PersonQuery(order: .name, includeHidden: true, limit: 500)).map(\.person.id)
                    : Self.expected(everyone, order)
                for size in [1, 4, 100] {
                    let all = try await Self.allPages(store, PersonQuery(order: order, includeHidden: true), size: size)
                    #expect(all.map(\.person.id) == reference, "\(order), pages of \(size)")
                    let visible = try await Self.allPages(store, PersonQuery(order: order), size: size)
                    let hidden = Set(everyone.filter(\.person.isHidden).map(\.person.id))
                    #expect(visible.map(\.person.id) == reference.filter { !hidden.contains($0) })
                }
                let found = try await Self.allPages(store, PersonQuery(order: order, includeHidden: true, nameContains: "AnN"), size: 2)
                #expect(Set(found.compactMap(\.person.name)) == ["anna", "ANNA", "Anne-Marie"], "\(order)")
                // LIKE's own characters are searched for, not taken as patterns.
                let literal = try await store.persons(PersonQuery(order: order, includeHidden: true, nameContains: "%_"))
                #expect(literal.map(\.person.name) == ["50%_off"])
            }
            #expect(try await store.personCount(PersonQuery(includeHidden: true)) == names.count + 1)
            #expect(try await store.personCount(PersonQuery(includeHidden: false)) == names.count)
            #expect(try await store.personCount(PersonQuery(includeHidden: true, nameContains: "bob")) == 2)
            let page = try await store.persons(PersonQuery(order: .faces, includeHidden: true, limit: 3))
            #expect(page.allSatisfy { $0.photoCount == nil }, "a page does not count photos")
            let counted = try await store.personSummaries(ids: page.map(\.person.id))
            #expect(counted.allSatisfy { $0.photoCount == ($0.faceCount > 0 ? 1 : 0) })
        }
    }

    @Test("photos of several persons together, newest first, undated last, page by page", arguments: TestBackends.all)
    func photosTogether(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let store = try browsing(store)
            let a = try await store.createPerson(name: "A"), b = try await store.createPerson(name: "B")
            var together: [Int64] = []
            for index in 0..<9 {
                let faces = try await addCompleted(store, "/p/\(index).jpg", faces: [newFace(1), newFace(2)])
                try await store.assign(faces: [faces[0]], to: a.id, reason: .user, actor: "t")
                // Photos 0-5 show both; 6-8 only A.
                if index < 6 { try await store.assign(faces: [faces[1]], to: b.id, reason: .user, actor: "t") }
                let file = try #require(try await store.mediaFile(path: "/p/\(index).jpg"))
                // Two dated alike (ties go by id), two undated.
                let day: TimeInterval? = [0: 100, 1: 300, 2: 300, 3: nil, 4: 200, 5: nil, 6: 50, 7: nil, 8: 400][index]!
                if let day { try await store.setCaptureTime(mediaFile: file.id, CaptureTime(date: Date(timeIntervalSince1970: day * 86_400), utcOffsetMinutes: 0)) }
                if index < 6 { together.append(file.id) }
            }
            let byId = Dictionary(uniqueKeysWithValues: try await together.asyncMap { ($0, try await store.mediaFile(id: $0)!) })
            let expectedByDate = together.sorted {
                let (x, y) = (byId[$0]!.capturedAt?.date, byId[$1]!.capturedAt?.date)
                if (x == nil) != (y == nil) { return x != nil }
                if let x, let y, x != y { return x > y }
                return $0 > $1
            }
            for (order, expected) in [(MediaOrder.date, expectedByDate), (.added, together.sorted(by: >))] {
                for size in [1, 2, 5] {
                    var query = MediaQuery(persons: [a.id, b.id], order: order, limit: size)
                    var seen: [Int64] = []
                    while true {
                        let page = try await store.mediaFiles(query)
                        seen += page.map(\.id)
                        guard page.count == size, let last = page.last else { break }
                        query.after = MediaKey(id: last.id, capturedAt: last.capturedAt?.date)
                    }
                    #expect(seen == expected, "\(order), pages of \(size)")
                }
            }
            #expect(try await store.mediaFiles(MediaQuery(persons: [a.id], limit: 100)).count == 9)
            #expect(try await store.faceDetails(mediaFiles: [together[0]]).count == 2)
        }
    }

    @Test("different people are remembered, follow merges and go with the person", arguments: TestBackends.all)
    func distinctions(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let store = try browsing(store)
            let a = try await store.createPerson(name: nil), b = try await store.createPerson(name: nil)
            let c = try await store.createPerson(name: nil), d = try await store.createPerson(name: nil)
            try await store.markDifferent(b.id, a.id, actor: "t")
            try await store.markDifferent(a.id, b.id, actor: "t")  // twice: no error, one pair
            try await store.markDifferent(a.id, c.id, actor: "t")
            #expect(try await store.personDistinctions() == [PersonPair(a.id, b.id), PersonPair(a.id, c.id)])
            await expectStoreError(.notFound) { try await store.markDifferent(a.id, 999_999, actor: "t") }
            // a merged into d: d is different from b and c now; a pair of d with itself would mean nothing.
            try await store.markDifferent(a.id, d.id, actor: "t")
            try await store.merge([a.id], into: d.id, actor: "t")
            #expect(try await store.personDistinctions() == [PersonPair(b.id, d.id), PersonPair(c.id, d.id)])
            try await store.deletePerson(d.id, actor: "t")
            #expect(try await store.personDistinctions().isEmpty)
        }
    }

    @Test("SQLite reads each person order and a person's faces through an index")
    func queryPlans() async throws {
        try await withStore(.sqlite) { store, database in
            let queue = try DatabaseQueue(path: database.location)
            for order in PersonOrder.allCases {
                let key = PersonKey(id: 5, faceCount: 3, sortName: "m", modifiedAt: "2026-01-01 00:00:00.000")
                let (keyset, arguments, sort) = SQLiteStore.personOrder(PersonQuery(order: order, after: key))
                let plan = try await queue.read { db in
                    try Row.fetchAll(db, sql: #"EXPLAIN QUERY PLAN SELECT p.* FROM "Persons" p WHERE p."IsHidden" = 0 AND \#(keyset) ORDER BY \#(sort) LIMIT 60"#,
                                     arguments: arguments).map { $0["detail"] as String }.joined(separator: "\n")
                }
                #expect(plan.contains("USING INDEX IX_Persons_") && !plan.contains("TEMP B-TREE"), "\(order): \(plan)")
            }
            let facePlan = try await queue.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.faceDetailSelect + #" WHERE fc."PersonId" = 1 AND fc."Id" > 5 ORDER BY fc."Id" LIMIT 60"#)
                    .map { $0["detail"] as String }.joined(separator: "\n")
            }
            #expect(facePlan.contains("IX_Faces_PersonId (PersonId=? AND rowid>?)") && !facePlan.contains("TEMP B-TREE"), "\(facePlan)")
            _ = store
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
