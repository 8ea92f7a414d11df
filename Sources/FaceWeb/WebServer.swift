import FacePipeline
import FaceStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `frs serve`: the people pages, their JSON API, thumbnails and photos, behind `SecurityMiddleware`.
public struct WebServer: Sendable {
    let configuration: WebConfiguration
    let people: PeopleService
    let searcher: Searcher

    public init(configuration: WebConfiguration, store: any FaceStore) throws {
        try configuration.validate()
        self.configuration = configuration
        self.people = try PeopleService(store: store, actor: "web")
        self.searcher = Searcher(store: store, models: configuration.models)
    }

    /// Serves until cancelled (or SIGINT/SIGTERM). `onListening` receives the bound address, port 0 included.
    public func run(onListening: @escaping @Sendable (String, Int) -> Void) async throws {
        let router = Router(context: WebContext.self)
        let sessions = SessionStore()
        router.add(middleware: SecurityMiddleware(configuration: configuration, sessions: sessions))
        PageRoutes(people: people, searcher: searcher, sessions: sessions, configuration: configuration).add(to: router)
        APIRoutes(people: people, searcher: searcher).add(to: router)
        MediaRoutes(people: people, dataDirectory: configuration.dataDirectory).add(to: router)
        var logger = Logger(label: "frs.web")
        logger.logLevel = .info
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "frs"),
            onServerRunning: { channel in
                let address = channel.localAddress
                onListening(address?.ipAddress ?? configuration.host, address?.port ?? configuration.port)
            },
            logger: logger
        )
        try await app.runService()
    }
}
