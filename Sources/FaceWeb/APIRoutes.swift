import FacePipeline
import FaceStore
import Foundation
import Hummingbird

/// The JSON API: every page's data and every action (documented in README.md, "Web and API").
/// Writes take `?dryRun=1` to report what they would do.
struct APIRoutes {
    let people: PeopleService
    let searcher: Searcher

    /// A page's size when the request does not say (`limit`, at most `PeopleService.maxPageSize`).
    static let defaultLimit = 100

    struct NameBody: APIBody {
        var name: String
        static let shape = #"{"name": "..."}"#
    }
    struct MergeBody: APIBody {
        var sources: [Int64]
        var into: Int64
        static let shape = #"{"sources": [person ids], "into": person id}"#
    }
    struct MoveBody: APIBody {
        var faces: [Int64]
        var to: Int64?
        var new: Bool?
        var name: String?
        static let shape = #"{"faces": [face ids], "to": person id} or {"faces": [face ids], "new": true, "name": "..."}"#
    }
    struct FacesBody: APIBody {
        var faces: [Int64]
        var name: String?
        static let shape = #"{"faces": [face ids]} (and "name": "..." when accepting a suggestion)"#
    }
    /// The key must be there: null clears the date, so a misspelt key must not clear it by accident.
    struct BirthDateBody: APIBody {
        var birthDate: String?
        static let shape = #"{"birth_date": "YYYY-MM-DD"} or {"birth_date": null} to clear it"#
        enum CodingKeys: String, CodingKey { case birthDate = "birth_date" }
        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard container.contains(.birthDate) else {
                throw DecodingError.keyNotFound(CodingKeys.birthDate, .init(codingPath: [], debugDescription: "birth_date is missing"))
            }
            birthDate = try container.decodeNil(forKey: .birthDate) ? nil : try container.decode(String.self, forKey: .birthDate)
        }
    }
    struct PairBody: APIBody {
        var persons: [Int64]
        static let shape = #"{"persons": [person id, person id]}"#
    }
    struct RejectBody: APIBody {
        var faces: [Int64]
        var from: Int64
        static let shape = #"{"faces": [face ids], "from": person id}"#
    }

    func add(to router: Router<WebContext>) {
        let api = router.group("api")
        api.get("people") { request, _ in
            let query = try QueryParameters(request, allowed: ["sort", "hidden", "q", "after", "limit"])
            return try Responses.json(try await people.people(order: try query.choice("sort", PersonOrder.self) ?? .faces,
                                                              search: query.string("q"), includeHidden: try query.flag("hidden"),
                                                              after: query.string("after"), limit: try Self.limit(query)))
        }
        api.get("people/:id") { request, context in
            let query = try QueryParameters(request, allowed: ["after", "limit"])
            return try Responses.json(try await people.person(try Self.id(context), after: query.string("after"),
                                                              limit: try Self.limit(query)))
        }
        api.get("people/:id/review") { request, context in
            let query = try QueryParameters(request, allowed: ["after", "limit"])
            return try Responses.json(try await people.review(try Self.id(context), after: query.string("after"), limit: try Self.limit(query)))
        }
        api.get("people/:id/likely-wrong") { request, context in
            let query = try QueryParameters(request, allowed: ["after", "limit"])
            return try Responses.json(try await people.likelyWrong(try Self.id(context), after: query.string("after"), limit: try Self.limit(query)))
        }
        api.get("merge-suggestions") { request, _ in
            let query = try QueryParameters(request, allowed: ["after", "limit"])
            return try Responses.json(try await people.mergeSuggestions(after: query.string("after"), limit: try Self.limit(query)))
        }
        api.get("photos") { request, _ in
            let query = try QueryParameters(request, allowed: ["with", "sort", "after", "limit"], repeatable: ["with"])
            var persons: [Int64] = []
            for text in query.strings("with") { persons.append(try await people.resolvePerson(text)) }
            return try Responses.json(try await people.photos(with: persons, order: try query.choice("sort", MediaOrder.self) ?? .date,
                                                              after: query.string("after"), limit: try Self.limit(query)))
        }
        api.get("faces") { request, _ in
            let query = try QueryParameters(request, allowed: ["person", "unassigned", "after", "limit"])
            let person = try query.id("person")
            let unassigned = try query.flag("unassigned")
            let filter: FaceFilter
            switch (person, unassigned) {
            case (let id?, false): filter = .person(id)
            case (nil, true): filter = .unassigned
            case (nil, false): filter = .all
            case (_?, true): throw WebError.badRequest(#"give "person" or "unassigned=1", not both"#)
            }
            return try Responses.json(try await people.faces(filter, after: query.string("after"), limit: try Self.limit(query)))
        }
        api.get("suggestions") { request, _ in
            let query = try QueryParameters(request, allowed: ["after", "limit"])
            // Groups carry every face: fewer groups a page than other lists.
            let limit = try query.integer("limit", in: 1...PeopleService.maxPageSize) ?? 20
            return try Responses.json(try await people.suggestions(after: query.string("after"), limit: limit))
        }
        api.get("status") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try Responses.json(try await people.status())
        }

        api.post("people/:id/rename") { request, context in
            let id = try Self.id(context)
            let body = try await Self.decode(NameBody.self, request, context)
            return try Responses.json(try await people.rename(id, to: body.name, dryRun: Self.dryRun(request)))
        }
        api.post("people/merge") { request, context in
            let body = try await Self.decode(MergeBody.self, request, context)
            return try Responses.json(try await people.merge(body.sources, into: body.into, dryRun: Self.dryRun(request)))
        }
        for hidden in [true, false] {
            api.post("people/:id/\(hidden ? "hide" : "unhide")") { request, context in
                let id = try Self.id(context)
                return try Responses.json(try await people.setHidden(id, hidden: hidden, dryRun: Self.dryRun(request)))
            }
        }
        api.post("people/:id/birth-date") { request, context in
            let id = try Self.id(context)
            let body = try await Self.decode(BirthDateBody.self, request, context)
            let day = try body.birthDate.map(PeopleService.birthDate(parsing:))
            return try Responses.json(try await people.setBirthDate(id, to: day, dryRun: Self.dryRun(request)))
        }
        api.post("people/:id/delete") { request, context in
            let id = try Self.id(context)
            return try Responses.json(try await people.delete(id, dryRun: Self.dryRun(request)))
        }
        api.post("people/:id/accept") { request, context in
            let id = try Self.id(context)
            let body = try await Self.decode(FacesBody.self, request, context)
            return try Responses.json(try await people.accept(faces: body.faces, for: id, dryRun: Self.dryRun(request)))
        }
        api.post("people/different") { request, context in
            let body = try await Self.decode(PairBody.self, request, context)
            guard body.persons.count == 2 else { throw WebError.badRequest(#"give exactly two persons: \#(PairBody.shape)"#) }
            return try Responses.json(try await people.markDifferent(body.persons[0], body.persons[1], dryRun: Self.dryRun(request)))
        }
        api.post("faces/move") { request, context in
            let body = try await Self.decode(MoveBody.self, request, context)
            let target: PeopleService.MoveTarget
            switch (body.to, body.new ?? false) {
            case (let id?, false): target = .person(id)
            case (nil, true): target = .newPerson(name: body.name)
            default: throw WebError.badRequest(#"give exactly one of "to": personId and "new": true"#)
            }
            return try Responses.json(try await people.move(faces: body.faces, to: target, dryRun: Self.dryRun(request)))
        }
        api.post("faces/unassign") { request, context in
            let body = try await Self.decode(FacesBody.self, request, context)
            return try Responses.json(try await people.unassign(faces: body.faces, dryRun: Self.dryRun(request)))
        }
        api.post("faces/reject") { request, context in
            let body = try await Self.decode(RejectBody.self, request, context)
            return try Responses.json(try await people.reject(faces: body.faces, from: body.from, dryRun: Self.dryRun(request)))
        }
        api.post("suggestions/accept") { request, context in
            let body = try await Self.decode(FacesBody.self, request, context)
            return try Responses.json(try await people.accept(suggestion: body.faces, name: body.name, dryRun: Self.dryRun(request)))
        }
        api.post("search") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return try Responses.json(try await searcher.search(imageData: Data(buffer: body)))
        }
    }

    static func limit(_ query: QueryParameters) throws -> Int {
        try query.integer("limit", in: 1...PeopleService.maxPageSize) ?? defaultLimit
    }

    /// The path's `:id`, a row id.
    static func id(_ context: WebContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else {
            throw WebError.badRequest("'\(text)' in the path is not an id (a whole number from 1 up)")
        }
        return id
    }

    static func dryRun(_ request: Request) throws -> Bool {
        try QueryParameters(request, allowed: ["dryRun"]).flag("dryRun")
    }

    /// The body through `request.decode` (`JSONBodyDecoder`); a body that does not fit also says what fits.
    static func decode<T: APIBody>(_ type: T.Type, _ request: Request, _ context: WebContext) async throws -> T {
        do {
            return try await request.decode(as: T.self, context: context)
        } catch var error as WebError where error.status == .badRequest {
            error.message += "; this endpoint takes \(T.shape) (see README, Web and API)"
            throw error
        }
    }
}

/// A JSON request body, with the shape an error message shows.
protocol APIBody: Decodable {
    static var shape: String { get }
}
