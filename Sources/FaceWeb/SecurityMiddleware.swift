import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Every request passes here after `ErrorMiddleware`. In order:
/// 1. Host: exactly one `Host` header; without a token it must name loopback (`LoopbackHost`), so a
///    DNS-rebinding page cannot reach us.
/// 2. Session cookie: found, or created for a page request (never for the API, thumbnails or photos);
///    it carries the CSRF token of the forms. See `SessionStore` for its bounds.
/// 3. Token (when configured): `Authorization: Bearer` or a session that logged in through /login; wrong
///    tokens count against the client in `LoginThrottle`.
/// 4. Writes (POST): same-origin only (`Sec-Fetch-Site`, `Origin`), bodies bounded by the upload limit and,
///    all together, by `BodyBudget`, and either a form with the session's CSRF token or an API call with a
///    content type that a cross-site form cannot send (JSON, an image), which browsers only send cross-site
///    after a CORS preflight we never allow.
/// Tokens are never logged; neither is any header.
struct SecurityMiddleware: RouterMiddleware {
    typealias Context = WebContext

    let configuration: WebConfiguration
    let sessions: SessionStore
    let throttle: LoginThrottle
    let bodies: BodyBudget
    static let cookieName = "frs_session"
    /// Served to anyone who passes the Host check: the login page needs them.
    static let publicAssets: Set<String> = ["/style.css", "/app.js"]

    func handle(_ request: Request, context: WebContext,
                next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        context.uploadLimit = configuration.uploadLimit
        let path = request.uri.path
        let isAPI = path.isAPIPath
        // HTTP/1 puts the first Host header in `authority`; any left among the fields is a second one, which
        // proxies and we might read differently.
        guard request.headers[HTTPField.Name("Host")!] == nil else {
            throw WebError.badRequest("the request has more than one Host header: send exactly one")
        }
        if configuration.token == nil, !(request.head.authority.map(LoopbackHost.isLoopback(hostHeader:)) ?? false) {
            throw WebError.forbidden("""
                this server answers only to 127.0.0.1, localhost and [::1] (Host header refused): open it by one of \
                those names, or start it with a token to serve other names
                """)
        }

        var newSession: Session?
        if let existing = await sessions.session(id: request.cookies[Self.cookieName]?.value) {
            context.session = existing
        } else if Self.isPage(path), request.method == .get || request.method == .head {
            newSession = await sessions.create(client: context.client)
            context.session = newSession
        }
        context.secureCookies = configuration.secureCookies || (context.isFromLoopback && Self.forwardedHTTPS(request))
        let secure = context.secureCookies

        let bearer = Self.bearerToken(request.headers[.authorization])
        if let token = configuration.token {
            var authorized = context.session?.isAuthenticated == true
            if let bearer {
                if let wait = await throttle.wait(for: context.client) { throw WebError.tooManyAttempts(wait: wait) }
                guard constantTimeEquals(bearer, token) else {
                    await throttle.failed(context.client)
                    throw WebError.unauthorized("wrong token: send Authorization: Bearer <the server's token>")
                }
                authorized = true
            }
            if !authorized && path != "/login" && !Self.publicAssets.contains(path) {
                if isAPI {
                    throw WebError.unauthorized("missing token: send Authorization: Bearer <the server's token>")
                }
                return Self.withCookie(Responses.redirect("/login"), newSession, secure: secure)
            }
        }

        guard request.method == .post else {
            return Self.withCookie(try await next(request, context), newSession, secure: secure)
        }
        try Self.checkSameOrigin(request)
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > configuration.uploadLimit { throw WebError.tooLarge(limit: configuration.uploadLimit) }
        // A chunked body has no length up front: it may grow to the limit.
        let reservation = declared ?? configuration.uploadLimit
        guard await bodies.reserve(reservation) else {
            throw WebError.busy("the server is receiving too many uploads at once: try again in a few seconds")
        }
        do {
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: configuration.uploadLimit)
            } catch is NIOTooManyBytesError {
                throw WebError.tooLarge(limit: configuration.uploadLimit)
            }
            if isAPI {
                if bearer == nil { try Self.checkAPIContentType(request.headers[.contentType]) }
            } else {
                let form = try FormData(contentType: request.headers[.contentType], body: body)
                guard let sent = form?.value("csrf"), let expected = context.session?.csrfToken,
                      constantTimeEquals(sent, expected) else {
                    throw WebError.forbidden("""
                        the form's security token is missing or stale (cross-site request refused): reload the page \
                        and try again
                        """)
                }
            }
            let response = try await next(request, context)
            await bodies.release(reservation)
            return Self.withCookie(response, newSession, secure: secure)
        } catch {
            await bodies.release(reservation)
            throw error
        }
    }

    /// HTML pages: what a browser opens, and so what needs a session for its forms.
    static func isPage(_ path: String) -> Bool {
        !path.isAPIPath && !path.hasPrefix("/thumbnails/") && !path.hasPrefix("/photos/") && !path.hasSuffix("/photo")
            && !publicAssets.contains(path)
    }

    /// A TLS-terminating proxy on this machine says the browser came by HTTPS; only a loopback peer is
    /// believed (a remote client could send the header itself).
    static func forwardedHTTPS(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    static func checkSameOrigin(_ request: Request) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
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

    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return nil }
        return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
    }

    static func sessionCookie(_ session: Session, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: session.id, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func withCookie(_ response: Response, _ session: Session?, secure: Bool) -> Response {
        guard let session else { return response }
        var response = response
        response.setCookie(sessionCookie(session, secure: secure))
        return response
    }
}
