import FacePipeline
import FaceStore
import FaceVision
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `frs serve`: the people pages, their JSON API, thumbnails and photos, behind `ErrorMiddleware` and
/// `SecurityMiddleware`.
public struct WebServer: Sendable {
    let configuration: WebConfiguration
    let people: PeopleService
    let searcher: Searcher
    let work: ImageWorkQueue
    let sessions = SessionStore()
    let throttle = LoginThrottle()
    let bodies: BodyBudget

    public init(configuration: WebConfiguration, store: any FaceStore) throws {
        try configuration.validate()
        self.configuration = configuration
        self.people = try PeopleService(store: store, actor: "web", embeddingModel: FaceNet.modelTag(flip: configuration.embeddingFlip))
        self.work = ImageWorkQueue()
        self.searcher = Searcher(store: store, models: configuration.models, flip: configuration.embeddingFlip, work: work)
        self.bodies = BodyBudget(capacity: configuration.concurrentUploads * configuration.uploadLimit)
    }

    /// Every route behind the two middlewares; HEAD answers wherever GET does, without the body.
    func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ErrorMiddleware(uploadLimit: configuration.uploadLimit))
        router.add(middleware: SecurityMiddleware(configuration: configuration, sessions: sessions, throttle: throttle,
                                                  bodies: bodies))
        PageRoutes(people: people, searcher: searcher, sessions: sessions, throttle: throttle,
                   configuration: configuration).add(to: router)
        APIRoutes(people: people, searcher: searcher).add(to: router)
        MediaRoutes(people: people, dataDirectory: configuration.dataDirectory, work: work).add(to: router)
        return router
    }

    /// The server, not started. `onListening` receives the bound address, port 0 included.
    func application(onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) -> some ApplicationProtocol {
        var logger = Logger(label: "frs.web")
        logger.logLevel = .info
        return Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
            // "[::1]" is how URLs write the address; the socket wants it bare.
            configuration: .init(address: .hostname(configuration.host.trimmingCharacters(in: ["[", "]"]), port: configuration.port),
                                 serverName: "frs"),
            onServerRunning: { channel in
                let address = channel.localAddress
                onListening(address?.ipAddress ?? configuration.host, address?.port ?? configuration.port)
            },
            logger: logger
        )
    }

    /// Serves until cancelled (or SIGINT/SIGTERM).
    public func run(onListening: @escaping @Sendable (String, Int) -> Void) async throws {
        let people = people
        let warmUp = Task {
            let started = ContinuousClock.now
            await people.warmUp()
            Logger(label: "frs.web").info("warmed up: embeddings in memory, suggestions made",
                                          metadata: ["duration": "\(ContinuousClock.now - started)"])
        }
        defer { warmUp.cancel() }
        try await application(onListening: onListening).runService()
    }
}
