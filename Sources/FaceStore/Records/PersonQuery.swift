import Foundation

/// The orders persons are listed in, each read from an index (migration 7).
public enum PersonOrder: String, CaseIterable, Codable, Sendable {
    /// Most faces first, then by id.
    case faces
    /// By name, case-insensitively, then by id.
    case name
    /// Most recently changed first (renamed, hidden, or faces came or went).
    case recent
}

/// Where a page of persons continues: the last person of the previous page, as its order sees it.
public struct PersonKey: Sendable, Equatable, Hashable {
    public var id: Int64
    public var faceCount: Int
    /// `lower(Name)` as the index holds it ("" for a person without a name), as the database computed it:
    /// a name lowered by Swift could differ from the database's `lower` and skip a row.
    public var sortName: String
    /// `ModifiedAt` as the database's own text (exact to its precision: a `Date` round trip is not).
    public var modifiedAt: String

    public init(id: Int64, faceCount: Int, sortName: String, modifiedAt: String) {
        self.id = id; self.faceCount = faceCount; self.sortName = sortName; self.modifiedAt = modifiedAt
    }
}

/// One page of the persons list (`FaceBrowsing.persons(_:)`): keyset paging, never an OFFSET.
public struct PersonQuery: Sendable, Equatable {
    public var order: PersonOrder
    public var includeHidden: Bool
    /// Only persons whose name contains this, ignoring case; nil or empty: every person.
    public var nameContains: String?
    /// The page after this person; nil: the first page.
    public var after: PersonKey?
    public var limit: Int

    public init(order: PersonOrder = .faces, includeHidden: Bool = false, nameContains: String? = nil,
                after: PersonKey? = nil, limit: Int = 60) {
        self.order = order; self.includeHidden = includeHidden; self.nameContains = nameContains
        self.after = after; self.limit = limit
    }

    /// The LIKE pattern for `nameContains` (with `\` escaping `%`, `_` and itself), nil for none.
    public var namePattern: String? {
        guard let text = nameContains?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        var escaped = ""
        for character in text.lowercased() {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }
}

/// The orders photos are listed in.
public enum MediaOrder: String, CaseIterable, Codable, Sendable {
    /// Newest capture time first; files without a date come last, newest added first.
    case date
    /// Newest added first.
    case added
}

/// Where a page of photos continues: the last file of the previous page.
public struct MediaKey: Sendable, Equatable, Hashable {
    public var id: Int64
    /// Its `CapturedAt` as stored (nil: no date).
    public var capturedAt: Date?

    public init(id: Int64, capturedAt: Date?) {
        self.id = id; self.capturedAt = capturedAt
    }
}

/// Photos and videos that show every one of `persons` (`FaceBrowsing.mediaFiles(_:)`).
public struct MediaQuery: Sendable, Equatable {
    /// At least one; a file is listed when each of them has a face in it.
    public var persons: [Int64]
    public var order: MediaOrder
    public var after: MediaKey?
    public var limit: Int

    public init(persons: [Int64], order: MediaOrder = .date, after: MediaKey? = nil, limit: Int = 24) {
        self.persons = persons; self.order = order; self.after = after; self.limit = limit
    }
}

/// Two persons the user said are different people (ids in ascending order).
public struct PersonPair: Sendable, Equatable, Hashable {
    public var first: Int64
    public var second: Int64

    public init(_ a: Int64, _ b: Int64) {
        first = min(a, b); second = max(a, b)
    }
}
