import FaceClustering
import FaceStore
import Foundation

/// The paged views: people, a person's faces, review queues, merge suggestions and photos.
/// Each reads one page with an index range (or ranks faces already in memory: `LibraryIndex`),
/// never a whole table, so a page costs the same in a library of 100,000 faces as in one of 100.
extension PeopleService {
    /// The most any list returns at once.
    public static let maxPageSize = 500

    static func pageSize(_ limit: Int) throws -> Int {
        guard (1...maxPageSize).contains(limit) else {
            throw PeopleError.invalidArgument("limit must be from 1 to \(maxPageSize), not \(limit)")
        }
        return limit
    }

    /// Reads the embeddings and makes the suggestions ahead of the first request that needs them
    /// (a server calls it in the background when it starts).
    public func warmUp() async {
        _ = try? await index.snapshot(of: store, model: embeddingModel)
        _ = try? await mergeSuggestions(after: nil, limit: 1)
        _ = try? await suggestions(limit: 1)
    }

    // MARK: People and faces

    /// A page of persons; `search` keeps those whose name contains it (ignoring case).
    public func people(order: PersonOrder, search: String? = nil, includeHidden: Bool, after: String? = nil,
                       limit: Int = 60) async throws -> PersonList {
        var query = PersonQuery(order: order, includeHidden: includeHidden, nameContains: search,
                                after: try after.map { try PageCursor.personKey($0, order: order) }, limit: try Self.pageSize(limit) + 1)
        let summaries = try await store.persons(query)
        let page = Array(summaries.prefix(limit))
        let portraits = try await portraits(of: page)
        query.after = nil
        return PersonList(items: page.map { PersonRow($0, portrait: portraits[$0.person.id]) },
                          next: summaries.count > limit ? page.last.map { PageCursor.person($0.key, order: order) } : nil,
                          total: try await store.personCount(query))
    }

    /// A person with one page of its faces (by id).
    public func person(_ id: Int64, after: String?, limit: Int = 120) async throws -> PersonPage {
        let row = try await personRow(id)
        let faces = try await faces(.person(id), after: after, limit: limit)
        return PersonPage(person: row, faces: faces.items, next: faces.next)
    }

    public func faces(_ filter: FaceFilter, after: String?, limit: Int) async throws -> FaceList {
        if case .person(let id) = filter { _ = try await requirePerson(id) }
        let limit = try Self.pageSize(limit)
        let details = try await store.faceDetails(filter: filter, after: try after.map(PageCursor.faceId) ?? 0, limit: limit + 1)
        let page = details.prefix(limit)
        return FaceList(items: page.map(FaceRow.init),
                        next: details.count > limit ? page.last.map { PageCursor.face($0.face.id) } : nil)
    }

    /// One person as listed, with counts and portrait.
    func personRow(_ id: Int64) async throws -> PersonRow {
        guard let summary = try await store.personSummaries(ids: [id]).first else { throw PeopleError.noSuchPerson(id) }
        return PersonRow(summary, portrait: try await portraits(of: [summary])[id])
    }

    /// These persons as listed (those that exist), by id.
    public func personRows(_ ids: [Int64]) async throws -> [Int64: PersonRow] {
        let summaries = try await store.personSummaries(ids: ids)
        let portraits = try await portraits(of: summaries)
        return Dictionary(uniqueKeysWithValues: summaries.map { ($0.person.id, PersonRow($0, portrait: portraits[$0.person.id])) })
    }

    // MARK: Review queues

    /// Below this cosine to a person's centre a face is not offered as "is this <name>?". Measured on
    /// 200 LFW identities (1,510 photos, `scripts/bench/people_thresholds.py`), each person against every
    /// other person's faces: at 0.55, 97.7 % of a person's own faces are offered and 75 % of what is
    /// offered is the person (0.45: 99 % and 33 %; 0.60: 96 % and 91 %). The queue is ranked, so the
    /// person's faces come first; the floor says where it ends.
    public static let reviewMinSimilarity: Float = 0.55

    /// "Is this <name>?": unassigned faces most like the person, best first. Faces the user said are not
    /// this person, faces in a photo the person is already in, and faces from photos taken before the
    /// person's birth date are left out.
    public func review(_ id: Int64, after: String?, limit: Int = 60) async throws -> ReviewList {
        let person = try await requirePerson(id)
        let limit = try Self.pageSize(limit)
        let snapshot = try await index.snapshot(of: store, model: embeddingModel)
        let start = try after.map { try PageCursor.rank($0, kind: "review") }
        guard let centre = snapshot.centre(of: id) else { return ReviewList(person: try await personRow(id), items: [], next: nil) }
        let taken = snapshot.mediaItems(of: id)
        var ranked: [(similarity: Float, row: Int)] = []
        for row in snapshot.unassignedRows where snapshot.vectors[row].count == centre.count {
            guard !taken.contains(snapshot.mediaItemIds[row]), snapshot.rejected[snapshot.faceIds[row]]?.contains(id) != true else { continue }
            let similarity = dotProduct(snapshot.vectors[row], centre)
            guard similarity >= Self.reviewMinSimilarity else { continue }
            if let start, !Self.isAfter((similarity, snapshot.faceIds[row]), (start.score, start.id), descending: true) { continue }
            ranked.append((similarity, row))
        }
        return try await rankedPage(ranked, descending: true, limit: limit, person: person, kind: "review", snapshot: snapshot)
    }

    /// "Likely wrong": the person's own faces, least like the rest of the person first (each face against
    /// the centre of the others), to find the mistakes quickly.
    public func likelyWrong(_ id: Int64, after: String?, limit: Int = 60) async throws -> ReviewList {
        let person = try await requirePerson(id)
        let limit = try Self.pageSize(limit)
        let snapshot = try await index.snapshot(of: store, model: embeddingModel)
        let start = try after.map { try PageCursor.rank($0, kind: "outliers") }
        var ranked: [(similarity: Float, row: Int)] = []
        for row in snapshot.rowsByPerson[id] ?? [] {
            guard let centre = snapshot.centre(of: id, without: row), snapshot.vectors[row].count == centre.count else { continue }
            let similarity = dotProduct(snapshot.vectors[row], centre)
            if let start, !Self.isAfter((similarity, snapshot.faceIds[row]), (start.score, start.id), descending: false) { continue }
            ranked.append((similarity, row))
        }
        return try await rankedPage(ranked, descending: false, limit: limit, person: person, kind: "outliers", snapshot: snapshot)
    }

    /// Whether (score, id) comes after `cursor` in a list ordered by score (ties by id ascending).
    static func isAfter(_ item: (Float, Int64), _ cursor: (Float, Int64), descending: Bool) -> Bool {
        if item.0 != cursor.0 { return descending ? item.0 < cursor.0 : item.0 > cursor.0 }
        return item.1 > cursor.1
    }

    private func rankedPage(_ ranked: [(similarity: Float, row: Int)], descending: Bool, limit: Int, person: Person,
                            kind: String, snapshot: LibraryIndex.Snapshot) async throws -> ReviewList {
        let ordered = ranked.sorted {
            $0.similarity != $1.similarity ? (descending ? $0.similarity > $1.similarity : $0.similarity < $1.similarity)
                : snapshot.faceIds[$0.row] < snapshot.faceIds[$1.row]
        }
        // Faces the birth-date rule refuses are dropped here (the date may have been set a moment ago).
        var items: [RankedFace] = []
        var position = 0
        // Where in `ordered` the last item shown is: anything after it is for the next page.
        var consumed = 0
        while items.count < limit, position < ordered.count {
            let chunk = ordered[position..<min(position + limit, ordered.count)]
            position = chunk.endIndex
            let details = Dictionary(uniqueKeysWithValues: try await store.faceDetails(ids: chunk.map { snapshot.faceIds[$0.row] })
                .map { ($0.face.id, $0) })
            for (index, entry) in zip(chunk.indices, chunk) where items.count < limit {
                consumed = index + 1
                // The snapshot may be a moment old: keep only faces still where it says they are.
                guard let detail = details[snapshot.faceIds[entry.row]], detail.face.personId == (kind == "review" ? nil : person.id),
                      kind != "review" || BirthDateRule.allows(captured: detail.capturedAt, birthDate: person.birthDate) else { continue }
                items.append(RankedFace(face: FaceRow(detail), similarity: entry.similarity))
            }
        }
        let more = consumed < ordered.count
        return ReviewList(person: try await personRow(person.id), items: items,
                          next: more ? items.last.map { PageCursor.ranked(kind, score: $0.similarity, id: $0.face.id) } : nil)
    }

    /// Accepts many faces for a person at once ("yes, this is <name>").
    public func accept(faces: [Int64], for person: Int64, dryRun: Bool = false) async throws -> ChangeReport {
        var report = try await move(faces: faces, to: .person(person), dryRun: dryRun)
        report.action = "accept"
        return report
    }

    // MARK: Merge suggestions

    /// Two persons' centres at least this alike are offered for merging. Centres average away much of
    /// a single photo's noise: on 200 LFW identities with 4+ photos, the two halves of one identity's
    /// photos have centres at least 0.6 alike in 98 % of identities, two different identities in 0.1 %
    /// of 39,800 pairs (`scripts/bench/people_thresholds.py`).
    public static let mergeMinSimilarity: Float = 0.6

    /// Pairs of visible persons that are probably one person, most alike first. Pairs the user said are
    /// different people, pairs that appear in one photo together, and pairs of two persons the user
    /// named both are never offered.
    public func mergeSuggestions(after: String?, limit: Int = 30) async throws -> MergeSuggestionList {
        let limit = try Self.pageSize(limit)
        let start = try after.map { try PageCursor.rank($0, kind: "merge") }
        let candidates = try await index.mergeCandidates(of: store, model: embeddingModel, minimum: Self.mergeMinSimilarity)
        let persons = Dictionary(uniqueKeysWithValues: try await store.allPersons().map { ($0.id, $0) })
        let distinct = try await store.personDistinctions()
        var ordered = candidates.filter { candidate in
            guard let a = persons[candidate.pair.first], let b = persons[candidate.pair.second] else { return false }
            return !a.isHidden && !b.isHidden && !(a.isUserNamed && b.isUserNamed) && !distinct.contains(candidate.pair)
        }
        if let start {
            ordered = ordered.filter {
                $0.similarity < start.score || ($0.similarity == start.score && ($0.pair.first, $0.pair.second) > (start.id, start.second))
            }
        }
        let page = Array(ordered.prefix(limit))
        let rows = try await personRows(page.flatMap { [$0.pair.first, $0.pair.second] })
        let items = page.compactMap { entry -> MergeSuggestion? in
            guard let first = rows[entry.pair.first], let second = rows[entry.pair.second] else { return nil }
            return MergeSuggestion(first: first, second: second, similarity: entry.similarity, mutual: entry.mutual)
        }
        return MergeSuggestionList(items: items, next: ordered.count > limit ? page.last.map {
            PageCursor.ranked("merge", score: $0.similarity, id: $0.pair.first, second: $0.pair.second)
        } : nil)
    }

    /// "Different people": the pair is never suggested for merging again.
    public func markDifferent(_ a: Int64, _ b: Int64, dryRun: Bool = false) async throws -> ChangeReport {
        guard a != b else { throw PeopleError.nothingToDo("a person is not different from itself: give two person ids") }
        let first = try await requirePerson(a), second = try await requirePerson(b)
        let message = "remember that person \(a) \"\(PersonRow.displayName(first))\" and person \(b) \"\(PersonRow.displayName(second))\" are different people"
        if !dryRun { try await store.markDifferent(a, b, actor: actor) }
        return ChangeReport(action: "different", message: (dryRun ? "would " : "") + message, dryRun: dryRun, personId: nil, faces: [])
    }

    // MARK: Photos

    /// Photos and videos in which every one of `persons` has a face, with every face on them named.
    public func photos(with persons: [Int64], order: MediaOrder = .date, after: String? = nil, limit: Int = 24) async throws -> PhotoList {
        let persons = Self.unique(persons)
        guard !persons.isEmpty else { throw PeopleError.nothingToDo("name at least one person (--with ID or NAME)") }
        guard persons.count <= 10 else { throw PeopleError.invalidArgument("at most 10 persons at once") }
        let limit = try Self.pageSize(limit)
        let rows = try await personRows(persons)
        if let missing = persons.first(where: { rows[$0] == nil }) { throw PeopleError.noSuchPerson(missing) }
        let files = try await store.mediaFiles(MediaQuery(persons: persons, order: order,
                                                          after: try after.map { try PageCursor.mediaKey($0, order: order) }, limit: limit + 1))
        let page = Array(files.prefix(limit))
        let faces = Dictionary(grouping: try await store.faceDetails(mediaFiles: page.map(\.id)), by: \.mediaFileId)
        let names = try await names(of: Set(faces.values.joined().compactMap(\.face.personId)))
        let items = page.map { file in
            PhotoRow(mediaFileId: file.id, path: file.path, kind: file.kind?.rawValue, width: file.width, height: file.height,
                     capturedAt: file.capturedAt?.iso8601, faces: (faces[file.id] ?? []).map { detail in
                         PhotoFace(faceId: detail.face.id, personId: detail.face.personId, name: detail.face.personId.flatMap { names[$0] },
                                   box: detail.face.box.map { [$0.x1, $0.y1, $0.x2, $0.y2] }, frame: detail.face.frameNumber,
                                   thumbnail: detail.face.thumbnailName)
                     })
        }
        let next = files.count > limit ? page.last.map { PageCursor.media(MediaKey(id: $0.id, capturedAt: $0.capturedAt?.date), order: order) } : nil
        return PhotoList(persons: persons.compactMap { rows[$0] }, items: items, next: next)
    }

    private func names(of persons: Set<Int64>) async throws -> [Int64: String] {
        guard !persons.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await store.personSummaries(ids: Array(persons)).map {
            ($0.person.id, PersonRow.displayName($0.person))
        })
    }

    /// A person named on the command line or in a form: an id, "Name (#id)", or a name that exactly
    /// one person has (ignoring case).
    public func resolvePerson(_ text: String) async throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let id = Int64(trimmed), id > 0 { return try await requirePerson(id).id }
        if trimmed.hasSuffix(")"), let open = trimmed.range(of: "(#", options: .backwards),
           let id = Int64(trimmed[open.upperBound..<trimmed.index(before: trimmed.endIndex)]) {
            return try await requirePerson(id).id
        }
        let found = try await store.persons(PersonQuery(order: .name, includeHidden: true, nameContains: trimmed, limit: 50))
            .filter { PersonRow.displayName($0.person).caseInsensitiveCompare(trimmed) == .orderedSame }
        switch found.count {
        case 1: return found[0].person.id
        case 0: throw PeopleError.invalidArgument("no person is called \"\(Printable.escaped(String(trimmed.prefix(100))))\"; give an id (frs people list)")
        default: throw PeopleError.invalidArgument("\(found.count) persons are called \"\(Printable.escaped(String(trimmed.prefix(100))))\" (ids \(found.map { String($0.person.id) }.joined(separator: ", "))); give an id")
        }
    }
}
