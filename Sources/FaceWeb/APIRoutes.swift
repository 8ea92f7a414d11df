import FacePipeline
import FaceStore
import Foundation
import Hummingbird

/// The JSON API: every page's data and every action (documented in README.md, "Web and API").
/// Writes take `?dryRun=1` to report what they would do.
struct APIRoutes {
    let people: PeopleService
    let searcher: Searcher

    struct NameBody: Decodable { var name: String }
    struct MergeBody: Decodable { var sources: [Int64]; var into: Int64 }
    struct MoveBody: Decodable { var faces: [Int64]; var to: Int64?; var new: Bool?; var name: String? }
    struct FacesBody: Decodable { var faces: [Int64]; var name: String? }
    struct RejectBody: Decodable { var faces: [Int64]; var from: Int64 }

    func add(to router: Router<WebContext>) {
        let api = router.group("api")
        api.get("people") { request, _ in
            let sort = request.uri.queryParameters.get("sort").flatMap(PeopleSort.init(rawValue:)) ?? .faces
            return try Responses.json(try await people.people(sort: sort, includeHidden: request.uri.queryParameters.get("hidden") == "1"))
        }
        api.get("people/:id") { _, context in
            try Responses.json(try await people.person(try context.parameters.require("id", as: Int64.self)))
        }
        api.get("faces") { request, _ in
            let query = request.uri.queryParameters
            let filter: FaceFilter = if let person = query.get("person", as: Int64.self) {
                .person(person)
            } else if query.get("unassigned") == "1" { .unassigned } else { .all }
            return try Responses.json(try await people.faces(filter, limit: query.get("limit", as: Int.self) ?? 10_000))
        }
        api.get("suggestions") { _, _ in try Responses.json(try await people.suggestions()) }
        api.get("status") { _, _ in try Responses.json(try await people.status()) }

        api.post("people/:id/rename") { request, context in
            let id = try context.parameters.require("id", as: Int64.self)
            let body = try await Self.decode(NameBody.self, request, context)
            return try Responses.json(try await people.rename(id, to: body.name, dryRun: Self.dryRun(request)))
        }
        api.post("people/merge") { request, context in
            let body = try await Self.decode(MergeBody.self, request, context)
            return try Responses.json(try await people.merge(body.sources, into: body.into, dryRun: Self.dryRun(request)))
        }
        for hidden in [true, false] {
            api.post("people/:id/\(hidden ? "hide" : "unhide")") { request, context in
                let id = try context.parameters.require("id", as: Int64.self)
                return try Responses.json(try await people.setHidden(id, hidden: hidden, dryRun: Self.dryRun(request)))
            }
        }
        api.post("people/:id/delete") { request, context in
            let id = try context.parameters.require("id", as: Int64.self)
            return try Responses.json(try await people.delete(id, dryRun: Self.dryRun(request)))
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
        api.post("search") { request, _ in
            let body = try await request.body.collect(upTo: .max)
            return try Responses.json(try await searcher.search(imageData: Data(buffer: body)))
        }
    }

    static func dryRun(_ request: Request) -> Bool {
        ["1", "true"].contains(request.uri.queryParameters.get("dryRun") ?? "")
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: WebContext) async throws -> T {
        let body = try await request.body.collect(upTo: .max)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw WebError.badRequest("the body is not the JSON this endpoint takes (see README, Web and API): \(error)")
        }
    }
}
