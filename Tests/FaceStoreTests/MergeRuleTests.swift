import Testing
@testable import FaceStore

@Suite("The merge name rule")
struct MergeRuleTests {
    static func person(_ id: Int64, _ name: String?, userNamed: Bool) -> Person {
        Person(id: id, number: id, name: name, rank: nil, appointment: nil, type: nil, portraitFaceId: nil,
               portraitMediaFileId: nil, isHidden: false, isUserNamed: userNamed)
    }

    @Test("a user-named target keeps its name; otherwise the first user-named source gives its own")
    func donor() {
        let machine = Self.person(1, "Unknown-1", userNamed: false)
        let alice = Self.person(2, "Alice", userNamed: true)
        let bob = Self.person(3, "Bob", userNamed: true)
        #expect(Person.nameDonor(target: alice, sources: [bob]) == nil)
        #expect(Person.nameDonor(target: machine, sources: [Self.person(4, "Unknown-4", userNamed: false), bob, alice])?.id == 3)
        #expect(Person.nameDonor(target: machine, sources: [Self.person(4, "Unknown-4", userNamed: false)]) == nil)
    }

    @Test("a target without a birth date takes the first source's; one with a date keeps it")
    func birthDate() {
        var target = Self.person(1, "Unknown-1", userNamed: false)
        var dated = Self.person(2, "Alice", userNamed: true)
        dated.birthDate = CalendarDay(year: 1990, month: 1, day: 2)
        let undated = Self.person(3, "Unknown-3", userNamed: false)
        #expect(Person.adoptedBirthDate(target: target, sources: [undated, dated]) == dated.birthDate)
        #expect(Person.adoptedBirthDate(target: target, sources: [undated]) == nil)
        target.birthDate = CalendarDay(year: 2000, month: 1, day: 1)
        #expect(Person.adoptedBirthDate(target: target, sources: [dated]) == nil)
    }
}

