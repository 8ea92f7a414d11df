import Foundation

/// What went wrong with a people action, worded for the person who asked for it.
public enum PeopleError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case noSuchPerson(Int64)
    case noSuchFaces([Int64])
    case invalidName(String)
    case nothingToDo(String)
    case notUnassigned([Int64])
    case invalidDate(String)

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
        }
    }

    public var errorDescription: String? { description }
}
