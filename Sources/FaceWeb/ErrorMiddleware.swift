import HTTPTypes
import Hummingbird

/// The outermost middleware. Errors that mean something to the client become `WebError` responses
/// (JSON under /api, a page elsewhere); any other error is logged here and left to Hummingbird, which
/// answers a plain 500 without its text. Every response it sees, error pages included, leaves with the
/// security headers: a content security policy that allows only this server's own images, style, script
/// and form targets and no framing, plus `nosniff` and `X-Frame-Options` for older browsers.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let uploadLimit: Int

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: """
            default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; \
            frame-ancestors 'none'; base-uri 'none'
            """,
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        // Not "no-referrer": with it, browsers send `Origin: null` on form posts, which the same-origin check refuses.
        HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    func handle(_ request: Request, context: WebContext,
                next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            guard let failure = WebError(error, uploadLimit: uploadLimit) else {
                // The error's own words, never the request's headers (they carry tokens and cookies).
                context.logger.error("\(request.method) \(request.uri.path) failed: \(String(describing: error))")
                throw error
            }
            response = try failure.response(from: request, context: context)
        }
        for field in Self.securityHeaders where response.headers[field.name] == nil {
            response.headers.append(field)
        }
        return response
    }
}
