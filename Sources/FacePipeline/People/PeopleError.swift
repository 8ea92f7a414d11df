import Foundation

/// What went wrong with a people action, worded for the person who asked for it.
public enum PeopleError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case noSuchPerson(Int64)
    case noSuchFaces([Int64])
    case invalidName(String)
    case nothingToDo(String)
    case notUnassigned([Int64])
    case invalidDate(String)
    /// A page's `after` that no list of frs made (or one of another list or order).
    case invalidCursor
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .noSuchPerson(let id):
            "no person with id \(id) (see `frs people list --hidden` for the ids)"
        case .noSuchFaces(let ids):
            "no face with id \(ids.map(String.init).joined(separator: ", ")) (see `frs faces list`)"
        case .invalidName(let why):
            "invalid name: \(why)"
        case .nothingToDo(let why):
            why
        case .notUnassigned(let ids):
            "face \(ids.map(String.init).joined(separator: ", ")) already belongs to a person; reload the suggestions"
        case .invalidDate(let why):
            "invalid birth date: \(why)"
        case .invalidCursor:
            "after: not a position this list gave (use the \"next\" of the previous page, with the same order)"
        case .invalidArgument(let why):
            why
        }
    }

    public var errorDescription: String? { description }
}
