import ArgumentParser
import FacePipeline
import FaceWeb
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the people pages and the JSON API.",
        discussion: """
        Listens on 127.0.0.1 unless --host says otherwise; any other address needs a token (--token, \
        $FRS_WEB_TOKEN or `web_token` in the config file), which every request must then carry \
        (Authorization: Bearer, or log in at /login).
        """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0: any free port, printed at start).") var port = 8080
    @Option(help: ArgumentHelp("Access token (default: $FRS_WEB_TOKEN or the config file's web_token); required off loopback.", valueName: "token"))
    var token: String?

    func run() async throws {
        var settings = try store.settings
        if let token, !token.isEmpty { try settings.set(.webToken, token, source: .flag) }
        let configuration = WebConfiguration(host: host, port: port, token: settings.webToken,
                                             dataDirectory: settings.dataDirectory, models: settings.models)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(String(describing: error))
        }
        try await store.withStore { store in
            let server = try WebServer(configuration: configuration, store: store)
            try await server.run { host, port in
                let shown = host.contains(":") ? "[\(host)]" : host
                // Tests and scripts read this line to learn the port: written unbuffered, since stdout is
                // line-buffered only on a terminal.
                FileHandle.standardOutput.write(Data("frs serve: listening on http://\(shown):\(port)\n".utf8))
            }
        }
    }
}
