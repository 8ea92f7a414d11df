import FaceStore
import FaceVision
import Foundation

/// Every people action the CLI and the web offer, in one place, so both behave the same.
///
/// Each change checks its ids first (errors name the bad id) and, with `dryRun`, stops there and
/// reports what it would do. Writes go through `FaceStore`, which records a history row per moved face.
///
/// User confirmation (`IsUserVerified`): a face the user moved to a person (`move`, accepting a
/// suggestion) is marked verified, because the user looked at that face. Renaming, merging, hiding
/// and deleting do not touch the flag: they speak about the person, and the user has not checked each
/// of its (machine-grouped) faces. `unassign` and `delete` clear the flag, so the face is back in the
/// machine's hands; the history row still says the user took it away from the person.
///
/// "Not this person": unassigning a face, moving it to another person and `reject` record that the
/// face is not the person it left; matching, clustering and full reclusters respect that forever
/// (until the user puts the face back there).
public struct PeopleService: Sendable {
    let store: any FaceBrowsing
    /// Written to the history rows ("frs" is the pipeline's).
    public let actor: String
    /// The embeddings suggestions are made of (`Settings.embeddingModel`).
    public let embeddingModel: String
    /// The embeddings review queues and merge suggestions rank with, kept between requests.
    let index: LibraryIndex

    public init(store: any FaceStore, actor: String, embeddingModel: String = FaceNet.defaultModelTag,
                index: LibraryIndex = LibraryIndex()) throws {
        self.store = try browsing(store)
        self.actor = actor
        self.embeddingModel = embeddingModel
        self.index = index
    }

    // MARK: Reading

    public func people(sort: PeopleSort = .faces, includeHidden: Bool) async throws -> [PersonRow] {
        let summaries = try await store.persons(includeHidden: includeHidden)
        let portraits = try await portraits(of: summaries)
        let rows = summaries.map { PersonRow($0, portrait: portraits[$0.person.id]) }
        switch sort {
        case .faces: return rows  // the store's order: most faces first, then id
        case .id: return rows.sorted { $0.id < $1.id }
        case .name:
            return rows.sorted {
                let order = $0.name.localizedCaseInsensitiveCompare($1.name)
                return order == .orderedSame ? $0.id < $1.id : order == .orderedAscending
            }
        }
    }


    /// The first `limit` faces by id (`frs faces list`; the pages use `faces(_:after:limit:)`).
    public func faces(_ filter: FaceFilter, limit: Int = 10_000) async throws -> [FaceRow] {
        if case .person(let id) = filter { _ = try await requirePerson(id) }
        return try await store.faceDetails(filter: filter, limit: limit).map(FaceRow.init)
    }

    public func face(_ id: Int64) async throws -> FaceDetail {
        try await requireFaces([id])[0]
    }

    /// The photo or video with this id, for serving its file; nil when there is none.
    public func mediaFile(_ id: Int64) async throws -> MediaFile? {
        try await store.mediaFile(id: id)
    }

    public func status() async throws -> LibraryStatus {
        let counts = try await store.statusCounts()
        let persons = try await store.personCount(PersonQuery(includeHidden: true))
        let visible = try await store.personCount(PersonQuery(includeHidden: false))
        return LibraryStatus(pending: counts.pending, leased: counts.leased, done: counts.done, failed: counts.failed,
                             persons: persons, hiddenPersons: persons - visible,
                             unassignedFaces: try await store.faceCount(filter: .unassigned),
                             lastRun: try await store.lastCompletedAt())
    }

    // MARK: Changes

    public func rename(_ id: Int64, to name: String, dryRun: Bool = false) async throws -> ChangeReport {
        let person = try await requirePerson(id)
        let name = try Self.validName(name)
        let message = "rename person \(id) from \"\(PersonRow.displayName(person))\" to \"\(name)\""
        if !dryRun { try await store.rename(person: id, to: name) }
        return report("rename", message, dryRun, person: id)
    }

    /// Moves every face of `sources` to `target` and deletes the sources; the name that remains follows
    /// `Person.nameDonor(target:sources:)`.
    public func merge(_ sources: [Int64], into target: Int64, dryRun: Bool = false) async throws -> ChangeReport {
        let targetPerson = try await requirePerson(target)
        let sources = Self.unique(sources.filter { $0 != target })
        guard !sources.isEmpty else { throw PeopleError.nothingToDo("nothing to merge: name at least one person other than \(target)") }
        var sourcePersons: [Person] = []
        for source in sources { sourcePersons.append(try await requirePerson(source)) }
        let adopted = Person.nameDonor(target: targetPerson, sources: sourcePersons)
        let finalName = PersonRow.displayName(adopted ?? targetPerson)
        let message = "merge person \(sources.map(String.init).joined(separator: ", ")) into \(target) \"\(finalName)\""
        if !dryRun { try await store.merge(sources, into: target, actor: actor) }
        return report("merge", message, dryRun, person: target)
    }

    public enum MoveTarget: Sendable, Equatable {
        case person(Int64)
        /// A new person, named by the user or (nil) with a machine name.
        case newPerson(name: String?)
    }

    public func move(faces: [Int64], to target: MoveTarget, dryRun: Bool = false) async throws -> ChangeReport {
        let faces = Self.unique(faces)
        guard !faces.isEmpty else { throw PeopleError.nothingToDo("no faces given to move") }
        _ = try await requireFaces(faces)
        let list = faces.map(String.init).joined(separator: ", ")
        switch target {
        case .person(let id):
            let person = try await requirePerson(id)
            let message = "move face \(list) to person \(id) \"\(PersonRow.displayName(person))\""
            let details = try await requireFaces(faces)
            if !dryRun {
                try await rememberLeaving(details, except: id)
                try await store.forgetRejections(faces: faces, person: id)
                try await assignConfirmed(faces, to: id)
            }
            var result = report("move", message, dryRun, person: id, faces: faces)
            result.warnings = Self.bornAfter(details, person: person)
            return result
        case .newPerson(let name):
            let name = try name.map(Self.validName)
            let label = name.map { "\"\($0)\"" } ?? "with a machine name"
            guard !dryRun else { return report("move", "move face \(list) to a new person \(label)", true, faces: faces) }
            try await rememberLeaving(try await requireFaces(faces), except: nil)
            let person = try await store.createPerson(name: name, faces: faces, reason: .user, actor: actor, verified: true)
            return report("move", "move face \(list) to new person \(person.id) \"\(PersonRow.displayName(person))\"",
                          false, person: person.id, faces: faces)
        }
    }

    /// Creates a person from a suggested group of unassigned faces; refuses faces that found a person since.
    public func accept(suggestion faces: [Int64], name: String?, dryRun: Bool = false) async throws -> ChangeReport {
        let taken = try await requireFaces(Self.unique(faces)).filter { $0.face.personId != nil }.map(\.face.id)
        guard taken.isEmpty else { throw PeopleError.notUnassigned(taken) }
        var result = try await move(faces: faces, to: .newPerson(name: name), dryRun: dryRun)
        result.action = "accept"
        return result
    }

    public func unassign(faces: [Int64], dryRun: Bool = false) async throws -> ChangeReport {
        let faces = Self.unique(faces)
        guard !faces.isEmpty else { throw PeopleError.nothingToDo("no faces given to unassign") }
        let details = try await requireFaces(faces)
        if !dryRun {
            try await rememberLeaving(details, except: nil)
            try await store.assign(faces: faces, to: nil, reason: .user, actor: actor, verified: false)
        }
        return report("unassign", "unassign face \(faces.map(String.init).joined(separator: ", "))", dryRun, faces: faces)
    }

    /// "Not this person": the faces leave `person` (those in it become unassigned) and never go
    /// back to it by machine.
    public func reject(faces: [Int64], from person: Int64, dryRun: Bool = false) async throws -> ChangeReport {
        let faces = Self.unique(faces)
        guard !faces.isEmpty else { throw PeopleError.nothingToDo("no faces given to reject") }
        let found = try await requirePerson(person)
        _ = try await requireFaces(faces)
        let message = "remember face \(faces.map(String.init).joined(separator: ", ")) is not person \(person) \"\(PersonRow.displayName(found))\""
        if !dryRun { try await store.reject(faces: faces, from: person, actor: actor) }
        return report("reject", message, dryRun, person: person, faces: faces)
    }

    public func setHidden(_ id: Int64, hidden: Bool, dryRun: Bool = false) async throws -> ChangeReport {
        let person = try await requirePerson(id)
        let verb = hidden ? "hide" : "unhide"
        if !dryRun { try await store.setHidden(person: id, hidden: hidden) }
        return report(verb, "\(verb) person \(id) \"\(PersonRow.displayName(person))\"", dryRun, person: id)
    }

    /// Sets (or with nil clears) a person's birth date. Faces from photos taken before it are never
    /// given to the person by machine again (`BirthDateRule`); the ones the machine gave it already
    /// are unassigned now, while faces the user confirmed stay (the user knows best: a camera clock
    /// may be wrong) and are named in `warnings`.
    public func setBirthDate(_ id: Int64, to day: CalendarDay?, dryRun: Bool = false) async throws -> ChangeReport {
        let person = try await requirePerson(id)
        if let day, day > CalendarDay.today() { throw PeopleError.invalidDate("\(day) is in the future") }
        var updated = person
        updated.birthDate = day
        let before = Self.datedBefore(try await store.faceDetails(filter: .person(id), limit: Int.max / 2), person: updated)
        let freed = before.filter { !$0.face.isUserVerified }.map(\.face.id)
        var message = day.map { "set the birth date of person \(id) \"\(PersonRow.displayName(person))\" to \($0)" }
            ?? "clear the birth date of person \(id) \"\(PersonRow.displayName(person))\""
        if !freed.isEmpty { message += "; unassign \(freed.count) face(s) from photos taken before it" }
        if !dryRun {
            try await store.setBirthDate(person: id, day)
            if !freed.isEmpty { try await store.assign(faces: freed, to: nil, reason: .user, actor: actor, verified: false) }
        }
        var result = report("birth-date", message, dryRun, person: id, faces: freed)
        result.warnings = Self.bornAfter(before.filter(\.face.isUserVerified), person: updated)
        return result
    }

    /// A CLI or form value as a birth date: exactly YYYY-MM-DD, a day that exists, not in the future.
    public static func birthDate(parsing text: String) throws -> CalendarDay {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let day = CalendarDay(iso8601: trimmed) else {
            throw PeopleError.invalidDate("\"\(Printable.escaped(String(trimmed.prefix(40))))\" is not a day of the calendar; give it as YYYY-MM-DD, e.g. 1990-04-23")
        }
        guard day <= CalendarDay.today() else { throw PeopleError.invalidDate("\(day) is in the future") }
        return day
    }

    /// The faces whose photo was taken before the person's birth date.
    static func datedBefore(_ faces: [FaceDetail], person: Person) -> [FaceDetail] {
        faces.filter { !BirthDateRule.allows(captured: $0.capturedAt, birthDate: person.birthDate) }
    }

    /// One warning per face the user put in a person born after its photo was taken.
    static func bornAfter(_ faces: [FaceDetail], person: Person) -> [String] {
        datedBefore(faces, person: person).map { face in
            "face \(face.face.id) is from a photo taken \(face.capturedAt!.iso8601), before the birth date \(person.birthDate!) of person \(person.id) \"\(PersonRow.displayName(person))\"; check the photo's date or the birth date"
        }
    }

    /// Deletes the person; its faces become unassigned (and unverified).
    public func delete(_ id: Int64, dryRun: Bool = false) async throws -> ChangeReport {
        let person = try await requirePerson(id)
        let faces = try await store.faceDetails(filter: .person(id), limit: Int.max / 2).map(\.face.id)
        let message = "delete person \(id) \"\(PersonRow.displayName(person))\"; \(faces.count) face(s) become unassigned"
        if !dryRun { try await store.deletePerson(id, actor: actor) }
        return report("delete", message, dryRun, faces: faces)
    }

    // MARK: Helpers

    func requirePerson(_ id: Int64) async throws -> Person {
        guard let person = try await store.person(id: id) else { throw PeopleError.noSuchPerson(id) }
        return person
    }

    /// The faces, in the order given; throws naming every id that does not exist.
    func requireFaces(_ ids: [Int64]) async throws -> [FaceDetail] {
        let found = Dictionary(uniqueKeysWithValues: try await store.faceDetails(ids: ids).map { ($0.face.id, $0) })
        let missing = ids.filter { found[$0] == nil }
        guard missing.isEmpty else { throw PeopleError.noSuchFaces(missing) }
        return ids.compactMap { found[$0] }
    }

    /// Records that each face is not the person it is leaving (unless it stays with `except`).
    private func rememberLeaving(_ faces: [FaceDetail], except target: Int64?) async throws {
        let leaving = faces.filter { $0.face.personId != nil && $0.face.personId != target }
        for (person, group) in Dictionary(grouping: leaving, by: { $0.face.personId! }).sorted(by: { $0.key < $1.key }) {
            try await store.reject(faces: group.map(\.face.id), from: person, actor: actor)
        }
    }

    /// The move and the confirmation in one transaction (see `FaceStore.assign`).
    private func assignConfirmed(_ faces: [Int64], to person: Int64) async throws {
        try await store.assign(faces: faces, to: person, reason: .user, actor: actor, verified: true)
    }

    /// The portrait per person: its stored portrait while that face is still theirs, else its first face.
    func portraits(of summaries: [PersonSummary]) async throws -> [Int64: FaceDetail] {
        let stored = Dictionary(uniqueKeysWithValues: try await store.faceDetails(
            ids: summaries.compactMap(\.person.portraitFaceId)).map { ($0.face.id, $0) })
        var result: [Int64: FaceDetail] = [:]
        for summary in summaries where summary.faceCount > 0 {
            let id = summary.person.id
            if let face = summary.person.portraitFaceId, let detail = stored[face], detail.face.personId == id {
                result[id] = detail
            } else {
                result[id] = try await store.faceDetails(filter: .person(id), limit: 1).first
            }
        }
        return result
    }

    private func report(_ action: String, _ message: String, _ dryRun: Bool, person: Int64? = nil,
                        faces: [Int64] = []) -> ChangeReport {
        ChangeReport(action: action, message: (dryRun ? "would " : "") + message, dryRun: dryRun, personId: person,
                     faces: faces)
    }

    static func validName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw PeopleError.invalidName("the name is empty") }
        guard trimmed.count <= 200 else { throw PeopleError.invalidName("longer than 200 characters") }
        guard !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw PeopleError.invalidName("contains control characters")
        }
        return trimmed
    }

    static func unique(_ ids: [Int64]) -> [Int64] {
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }
    }
}

/// A group of unassigned faces that look like one new person, with why: its size and how alike its faces are.
public struct FaceSuggestion: Codable, Sendable, Equatable {
    public var faces: [FaceRow]
    /// Mean similarity of the faces to each other (cosine; FaceNet says "same person" from 0.48).
    public var meanSimilarity: Float
}

/// A page of suggestions.
public struct SuggestionList: Codable, Sendable, Equatable {
    public var items: [FaceSuggestion]
    public var next: String?
    /// Groups over all pages.
    public var total: Int
}

extension PeopleService {
    /// The new persons clustering would make from the unassigned faces above the quality gate
    /// (`Recognizer.suggestions`), most confident first, for the user to accept: one page of them.
    /// The groups are made once per change of the library (`LibraryIndex`), then paged from memory.
    public func suggestions(after: String? = nil, limit: Int = 20,
                            options: Recognizer.Options = Recognizer.Options()) async throws -> SuggestionList {
        let limit = try Self.pageSize(limit)
        var options = options
        options.embeddingModel = embeddingModel
        let store = store
        let groups = try await index.suggestions(of: store, model: embeddingModel) { [options] in
            try await Recognizer(store: store, options: options).suggestions()
        }
        // The cursor holds how many groups were shown before (the groups stay in one order until the library changes).
        var start = 0
        if let after {
            let position = try PageCursor.rank(after, kind: "suggestions").id
            guard position >= 0 else { throw PeopleError.invalidCursor }
            start = Int(min(position, Int64(groups.count)))
        }
        let page = Array(groups[start..<min(start + limit, groups.count)])
        let details = Dictionary(uniqueKeysWithValues: try await store.faceDetails(ids: page.flatMap(\.faces))
            .map { ($0.face.id, $0) })
        // A face that found a person since the groups were made is left out (accepting would refuse it).
        let items = page.map { group in
            FaceSuggestion(faces: group.faces.compactMap { details[$0] }.filter { $0.face.personId == nil }.map(FaceRow.init),
                           meanSimilarity: group.meanSimilarity)
        }.filter { !$0.faces.isEmpty }
        let end = start + page.count
        return SuggestionList(items: items, next: end < groups.count ? PageCursor.ranked("suggestions", score: 0, id: Int64(end)) : nil,
                              total: groups.count)
    }
}
