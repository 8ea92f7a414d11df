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
            let query = try QueryParameters(request, allowed: ["hidden", "msg"])
            let showHidden = try query.flag("hidden")
            let rows = try await people.people(includeHidden: showHidden)
            return Responses.html(PeoplePages.grid(rows, showHidden: showHidden, csrf: context.csrfToken,
                                                   message: query.string("msg")))
        }
        router.get("/people/:id") { request, context in
            let query = try QueryParameters(request, allowed: ["msg"])
            let page = try await people.person(try APIRoutes.id(context))
            let others = try await people.people(sort: .name, includeHidden: true)
            return Responses.html(PeoplePages.person(page, others: others, csrf: context.csrfToken,
                                                     message: query.string("msg")))
        }
        router.post("/people/:id/rename") { request, context in
            let id = try APIRoutes.id(context)
            let report = try await people.rename(id, to: try await Self.form(request).value("name") ?? "")
            return Self.done(report, at: "/people/\(id)")
        }
        router.post("/people/:id/merge") { request, context in
            let id = try APIRoutes.id(context)
            guard let into = try await Self.form(request).ids("into").first else { throw WebError.badRequest("choose a person to merge into") }
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
            let to = form.value("to") ?? "new"
            let target: PeopleService.MoveTarget
            if to == "new" {
                let name = form.value("name").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                target = .newPerson(name: name)
            } else {
                guard let id = Int64(to) else { throw WebError.badRequest("to: '\(to)' is not a person id") }
                target = .person(id)
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
            let query = try QueryParameters(request, allowed: ["msg"])
            let faces = try await people.faces(.unassigned)
            let suggestions = try await people.suggestions()
            let persons = try await people.people(sort: .name, includeHidden: true)
            return Responses.html(FacePages.unassigned(faces, suggestions: suggestions, persons: persons,
                                                       csrf: context.csrfToken, message: query.string("msg")))
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
            let persons = try await people.people(includeHidden: true)
            return Responses.html(OtherPages.search(results: results, people: Dictionary(uniqueKeysWithValues: persons.map { ($0.id, $0) }),
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
