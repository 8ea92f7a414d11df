import Foundation

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
    /// A face from a photo taken before this day is never given to the person by machine (`BirthDateRule`).
    public var birthDate: CalendarDay? = nil

    /// The machine name for a stable number.
    public static func machineName(number: Int64) -> String { "Unknown-\(number)" }

    /// Whose name a merge leaves on `target`: a target a user named keeps its own (nil); otherwise it
    /// takes the name of the first source a user named. The one statement of the rule, for both stores
    /// and for the preview that `PeopleService.merge` prints.
    public static func nameDonor(target: Person, sources: [Person]) -> Person? {
        target.isUserNamed ? nil : sources.first { $0.isUserNamed && $0.name != nil }
    }

    /// The birth date a merge gives `target` when it has none: the first source's (a birth date is
    /// the user's word and must not be lost by merging in the other direction); nil to leave it.
    public static func adoptedBirthDate(target: Person, sources: [Person]) -> CalendarDay? {
        target.birthDate == nil ? sources.lazy.compactMap(\.birthDate).first : nil
    }
}

/// A person with how many faces and distinct media files show them.
public struct PersonSummary: Sendable, Equatable {
    public var person: Person
    public var faceCount: Int
    /// Distinct media files; nil from a page of persons, which does not count them (the largest
    /// persons of a library hold most of its faces: counting their photos costs as much as a scan).
    public var photoCount: Int?
    /// The name and the last change as the database orders them (`PersonKey`); nil from
    /// `persons(includeHidden:)`, which does not read them.
    public var sortName: String? = nil
    public var modifiedKey: String? = nil

    /// Where the next page starts when this person ends one (`PersonQuery.after`).
    public var key: PersonKey {
        PersonKey(id: person.id, faceCount: faceCount, sortName: sortName ?? "", modifiedAt: modifiedKey ?? "")
    }
}
