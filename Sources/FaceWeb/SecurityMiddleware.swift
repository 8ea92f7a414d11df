import Foundation
import Hummingbird

/// Every request passes here first. In order:
/// 1. Host check (loopback without token): refuses other Host names, so a DNS-rebinding page cannot reach us.
/// 2. Session cookie: found or created; it carries the CSRF token of the forms.
/// 3. Token (when configured): `Authorization: Bearer` or a session that logged in through /login.
/// 4. Writes (POST): same-origin only (`Sec-Fetch-Site`, `Origin`), bodies bounded by the upload limit, and
///    either a form with the session's CSRF token or an API call with a content type that a cross-site
///    form cannot send (JSON, an image), which browsers only send cross-site after a CORS preflight we never allow.
/// Tokens are never logged; neither is any header.
struct SecurityMiddleware: RouterMiddleware {
    typealias Context = WebContext

    let configuration: WebConfiguration
    let sessions: SessionStore
    static let cookieName = "frs_session"

    func handle(_ request: Request, context: WebContext,
                next: (Request, WebContext) async throws -> Response) async throws -> Response {
        do {
            return try await check(request, context: context, next: next)
        } catch {
            let failure = WebError.from(error)
            return request.uri.path.hasPrefix("/api/") || request.uri.path == "/api"
                ? Responses.json(error: failure) : Responses.errorPage(failure)
        }
    }

    private func check(_ request: Request, context: WebContext,
                       next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let path = request.uri.path
        let isAPI = path == "/api" || path.hasPrefix("/api/")
        if configuration.token == nil, !Self.isLoopbackHost(request.head.authority) {
            throw WebError.forbidden("this server answers only to 127.0.0.1 and localhost (Host header refused)")
        }

        var newSession: Session?
        if let existing = await sessions.session(id: Self.cookie(Self.cookieName, in: request.headers[values: .cookie])) {
            context.session = existing
        } else {
            newSession = await sessions.create()
            context.session = newSession
        }

        let bearer = Self.bearerToken(request.headers[.authorization])
        if let token = configuration.token {
            let isLogin = path == "/login"
            let authorized = (bearer.map { constantTimeEquals($0, token) } ?? false) || context.session?.isAuthenticated == true
            if !authorized && !isLogin {
                if bearer != nil || isAPI {
                    throw WebError(status: .unauthorized, message: "missing or wrong token: send Authorization: Bearer <token>")
                }
                return Self.withCookie(Responses.redirect("/login"), newSession)
            }
        }

        if request.method == .post {
            try Self.checkSameOrigin(request)
            if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.uploadLimit {
                throw WebError.tooLarge(limit: configuration.uploadLimit)
            }
            do {
                _ = try await request.collectBody(upTo: configuration.uploadLimit)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw WebError.tooLarge(limit: configuration.uploadLimit)
            }
            if isAPI {
                if bearer == nil { try Self.checkAPIContentType(request.headers[.contentType]) }
            } else {
                let form = try FormData(contentType: request.headers[.contentType],
                                        body: try await request.body.collect(upTo: configuration.uploadLimit))
                guard let sent = form?.value("csrf"), let expected = context.session?.csrfToken,
                      constantTimeEquals(sent, expected) else {
                    throw WebError.forbidden("""
                        the form's security token is missing or stale (cross-site request refused): reload the page \
                        and try again
                        """)
                }
            }
        }
        return Self.withCookie(try await next(request, context), newSession)
    }

    static func checkSameOrigin(_ request: Request) throws {
        if let site = request.headers.first(where: { $0.name.canonicalName == "sec-fetch-site" })?.value, site != "same-origin", site != "none" {
            throw WebError.forbidden("cross-site request refused (Sec-Fetch-Site: \(site))")
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://\(host)" || origin == "https://\(host)" else {
                throw WebError.forbidden("cross-site request refused (Origin \(origin) is not this server)")
            }
        }
    }

    /// The three content types a cross-site HTML form (or a no-CORS fetch) can send, plus none at all.
    static func checkAPIContentType(_ contentType: String?) throws {
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if ["", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain"].contains(type) {
            throw WebError.forbidden("""
                API writes need Content-Type: application/json (or an image type for /api/search), or an \
                Authorization header; this one looks like a cross-site form post and was refused
                """)
        }
    }

    static func isLoopbackHost(_ header: String?) -> Bool {
        guard let header else { return false }
        let host: Substring
        if header.hasPrefix("[") {
            host = header.dropFirst().prefix { $0 != "]" }
        } else {
            host = header.prefix { $0 != ":" }
        }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return nil }
        return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
    }

    static func cookie(_ name: String, in headers: [String]) -> String? {
        for header in headers {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == name { return String(parts[1]) }
            }
        }
        return nil
    }

    static func withCookie(_ response: Response, _ session: Session?) -> Response {
        guard let session else { return response }
        var response = response
        response.headers[values: .setCookie].append("\(cookieName)=\(session.id); Path=/; HttpOnly; SameSite=Strict")
        return response
    }
}
