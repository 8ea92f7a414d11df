import Hummingbird

/// The request context: Hummingbird's core storage plus the browser session the security middleware found.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var session: Session?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are bounded by `SecurityMiddleware`, which answers oversized ones with a clear 413.
    public var maxUploadSize: Int { WebConfiguration.defaultUploadLimit }

    var csrfToken: String { session?.csrfToken ?? "" }
}
