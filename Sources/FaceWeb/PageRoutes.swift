import FacePipeline
import FaceStore
import Foundation
import Hummingbird

/// The HTML pages and their form actions. Each action redirects (303) back to a page with a message.
struct PageRoutes {
    let people: PeopleService
    let searcher: Searcher
    let sessions: SessionStore
    let throttle: LoginThrottle
    let configuration: WebConfiguration

    func add(to router: Router<WebContext>) {
        router.get("/") { request, context in
            let query = try QueryParameters(request, allowed: ["hidden", "sort", "q", "after", "msg"])
            let search = query.string("q").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            let state = PeoplePages.GridState(order: try query.choice("sort", PersonOrder.self) ?? .faces, search: search,
                                              showHidden: try query.flag("hidden"))
            let list = try await people.people(order: state.order, search: search, includeHidden: state.showHidden,
                                               after: query.string("after"), limit: Self.gridSize)
            return Responses.html(PeoplePages.grid(list, state: state, first: query.string("after") == nil, csrf: context.csrfToken,
                                                   message: query.string("msg")))
        }
        router.get("/people/merge-suggestions") { request, context in
            let query = try QueryParameters(request, allowed: ["after", "msg"])
            let list = try await people.mergeSuggestions(after: query.string("after"), limit: 20)
            return Responses.html(ReviewPages.mergeSuggestions(list, first: query.string("after") == nil, csrf: context.csrfToken,
                                                               message: query.string("msg")))
        }
        router.post("/people/different") { request, _ in
            let persons = try await Self.form(request).ids("persons")
            guard persons.count == 2 else { throw WebError.badRequest("persons: give two person ids") }
            return Self.done(try await people.markDifferent(persons[0], persons[1]), at: "/people/merge-suggestions")
        }
        router.get("/people/:id") { request, context in
            let query = try QueryParameters(request, allowed: ["after", "msg"])
            let page = try await people.person(try APIRoutes.id(context), after: query.string("after"), limit: Self.faceGridSize)
            return Responses.html(PeoplePages.person(page, first: query.string("after") == nil, csrf: context.csrfToken,
                                                     message: query.string("msg")))
        }
        for (path, kind) in [("review", ReviewPages.Kind.candidates), ("likely-wrong", .likelyWrong)] {
            router.get("/people/:id/\(path)") { request, context in
                let query = try QueryParameters(request, allowed: ["after", "msg"])
                let id = try APIRoutes.id(context)
                let list = kind == .candidates ? try await people.review(id, after: query.string("after"), limit: Self.faceGridSize)
                    : try await people.likelyWrong(id, after: query.string("after"), limit: Self.faceGridSize)
                return Responses.html(ReviewPages.page(list, kind: kind, first: query.string("after") == nil, csrf: context.csrfToken,
                                                       message: query.string("msg")))
            }
        }
        // The review pages' form: accept the checked faces for the person, or reject them ("not this person").
        router.post("/people/:id/review") { request, context in
            let id = try APIRoutes.id(context)
            let form = try await Self.form(request)
            let faces = try form.ids("face")
            let report = switch form.value("action") {
            case "accept": try await people.accept(faces: faces, for: id)
            case "reject": try await people.reject(faces: faces, from: id)
            default: throw WebError.badRequest("action must be accept or reject")
            }
            return Self.done(report, at: Self.returnPath(form))
        }
        router.get("/photos") { request, context in
            let query = try QueryParameters(request, allowed: ["with", "sort", "after", "msg"], repeatable: ["with"])
            var persons: [Int64] = []
            for text in query.strings("with") where !text.trimmingCharacters(in: .whitespaces).isEmpty {
                persons.append(try await people.resolvePerson(text))
            }
            let order = try query.choice("sort", MediaOrder.self) ?? .date
            let list = persons.isEmpty ? nil : try await people.photos(with: persons, order: order, after: query.string("after"), limit: 24)
            return Responses.html(PhotoPages.photos(list, order: order, first: query.string("after") == nil, csrf: context.csrfToken,
                                                    message: query.string("msg")))
        }
        router.post("/people/:id/rename") { request, context in
            let id = try APIRoutes.id(context)
            let report = try await people.rename(id, to: try await Self.form(request).value("name") ?? "")
            return Self.done(report, at: "/people/\(id)")
        }
        router.post("/people/:id/merge") { request, context in
            let id = try APIRoutes.id(context)
            guard let text = try await Self.form(request).value("into"), !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw WebError.badRequest("choose a person to merge into")
            }
            let into = try await people.resolvePerson(text)
            let report = try await people.merge([id], into: into)
            return Self.done(report, at: "/people/\(into)")
        }
        for hidden in [true, false] {
            router.post("/people/:id/\(hidden ? "hide" : "unhide")") { _, context in
                let id = try APIRoutes.id(context)
                return Self.done(try await people.setHidden(id, hidden: hidden), at: "/people/\(id)")
            }
        }
        router.post("/people/:id/birth-date") { request, context in
            let id = try APIRoutes.id(context)
            let form = try await Self.form(request)
            let text = form.value("birth_date")?.trimmingCharacters(in: .whitespaces) ?? ""
            // An empty field (or the clear button) removes the date.
            let day = form.value("clear") != nil || text.isEmpty ? nil : try PeopleService.birthDate(parsing: text)
            return Self.done(try await people.setBirthDate(id, to: day), at: "/people/\(id)")
        }
        router.post("/people/:id/delete") { _, context in
            Self.done(try await people.delete(try APIRoutes.id(context)), at: "/")
        }
        router.post("/faces/move") { request, _ in
            let form = try await Self.form(request)
            let faces = try form.ids("face")
            // An empty "to" (or "new") is a new person, named by the name field or by the machine.
            let to = form.value("to")?.trimmingCharacters(in: .whitespaces) ?? ""
            let target: PeopleService.MoveTarget
            if to.isEmpty || to == "new" {
                let name = form.value("name").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                target = .newPerson(name: name)
            } else {
                target = .person(try await people.resolvePerson(to))
            }
            return Self.done(try await people.move(faces: faces, to: target), at: Self.returnPath(form))
        }
        router.post("/faces/unassign") { request, _ in
            let form = try await Self.form(request)
            return Self.done(try await people.unassign(faces: try form.ids("face")), at: Self.returnPath(form))
        }
        // "Not this person" on a person's page: the button names the face, the form the person.
        router.post("/faces/reject") { request, _ in
            let form = try await Self.form(request)
            guard let face = form.value("reject").flatMap(Int64.init), let person = form.value("person").flatMap(Int64.init) else {
                throw WebError.badRequest("reject and person must be a face id and a person id")
            }
            return Self.done(try await people.reject(faces: [face], from: person), at: Self.returnPath(form))
        }
        router.get("/faces/unassigned") { request, context in
            let query = try QueryParameters(request, allowed: ["after", "suggestions_after", "msg"])
            let state = FacePages.UnassignedState(after: query.string("after"), suggestionsAfter: query.string("suggestions_after"))
            let faces = try await people.faces(.unassigned, after: state.after, limit: Self.faceGridSize)
            let suggestions = try await people.suggestions(after: state.suggestionsAfter, limit: 10)
            return Responses.html(FacePages.unassigned(faces, total: try await people.status().unassignedFaces, suggestions: suggestions,
                                                       state: state, csrf: context.csrfToken, message: query.string("msg")))
        }
        router.post("/suggestions/accept") { request, _ in
            let form = try await Self.form(request)
            let name = form.value("name").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            let report = try await people.accept(suggestion: try form.ids("faces"), name: name)
            return Self.done(report, at: report.personId.map { "/people/\($0)" } ?? "/faces/unassigned")
        }
        router.get("/search") { request, context in
            _ = try QueryParameters(request, allowed: [])
            return Responses.html(OtherPages.search(results: nil, people: [:], csrf: context.csrfToken, message: nil,
                                                    uploadLimit: configuration.uploadLimit))
        }
        router.post("/search") { request, context in
            let form = try await Self.form(request)
            let results = try await searcher.search(imageData: form.files["photo"] ?? Data())
            let persons = try await people.personRows(Array(Set(results.flatMap { $0.matches.map(\.personId) })))
            return Responses.html(OtherPages.search(results: results, people: persons,
                                                    csrf: context.csrfToken, message: nil,
                                                    uploadLimit: configuration.uploadLimit))
        }
        router.get("/status") { request, context in
            _ = try QueryParameters(request, allowed: [])
            return Responses.html(OtherPages.status(try await people.status(), csrf: context.csrfToken))
        }
        router.get("/login") { request, context in
            _ = try QueryParameters(request, allowed: [])
            return Responses.html(OtherPages.login(csrf: context.csrfToken, failed: false))
        }
        router.post("/login") { request, context in
            let sent = try await Self.form(request).value("token") ?? ""
            guard let token = configuration.token else { return Responses.redirect("/") }
            if let wait = await throttle.wait(for: context.client) { throw WebError.tooManyAttempts(wait: wait) }
            guard constantTimeEquals(sent, token) else {
                await throttle.failed(context.client)
                return Responses.html(OtherPages.login(csrf: context.csrfToken, failed: true), status: .unauthorized)
            }
            // A new session id on login: one planted in the browser before (fixation) is dropped with it.
            let session = await sessions.logIn(replacing: context.session?.id, client: context.client)
            var response = Responses.redirect("/")
            response.setCookie(SecurityMiddleware.sessionCookie(session, secure: context.secureCookies))
            return response
        }
        router.get("/style.css") { _, _ in Responses.asset(Layout.style, contentType: "text/css; charset=utf-8") }
        router.get("/app.js") { _, _ in Responses.asset(Layout.script, contentType: "text/javascript; charset=utf-8") }
    }

    /// Persons per page of the grid, and faces per page of a face grid.
    static let gridSize = 60
    static let faceGridSize = 120

    /// The body was collected (and its CSRF token checked) by `SecurityMiddleware`.
    static func form(_ request: Request) async throws -> FormData {
        let buffer = try await request.body.collect(upTo: .max)
        return try FormData(contentType: request.headers[.contentType], body: buffer) ?? FormData()
    }

    /// Back to `path`, with what was done (and any warnings) shown at the top.
    static func done(_ report: ChangeReport, at path: String) -> Response {
        let message = ([report.message] + report.warnings.map { "warning: " + $0 }).joined(separator: ". ")
        return Responses.redirect(path + (path.contains("?") ? "&" : "?") + "msg=" + HTML.query(message))
    }

    /// Only paths on this server: "//host" or a scheme would make the form an open redirect.
    static func returnPath(_ form: FormData) -> String {
        guard let path = form.value("return"), path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return "/" }
        return path
    }
}
