import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage, the peer's address, and what `SecurityMiddleware`
/// found or set (the browser session, the configured upload limit).
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    var session: Session?
    var uploadLimit = WebConfiguration.defaultUploadLimit
    /// Whether session cookies get `Secure` (see `WebConfiguration.secureCookies`).
    var secureCookies = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// `request.decode` and body collection stop here; `SecurityMiddleware` sets the configured limit and
    /// answers bigger bodies with a clear 413 before any route reads them.
    public var maxUploadSize: Int { uploadLimit }

    public var requestDecoder: JSONBodyDecoder { JSONBodyDecoder() }

    /// Who is asking, for the per-client bounds: the peer's IP address. Behind a reverse proxy on this
    /// machine every client is the proxy.
    var client: String { remoteAddress?.ipAddress ?? "unknown" }

    var isFromLoopback: Bool { remoteAddress?.ipAddress.map(LoopbackHost.isLoopback(address:)) ?? false }

    var csrfToken: String { session?.csrfToken ?? "" }
}
