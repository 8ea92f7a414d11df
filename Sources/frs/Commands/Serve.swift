import ArgumentParser
import FacePipeline
import FaceVision
import FaceWeb
import Foundation

extension FRS {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve the people pages and the JSON API.",
            discussion: """
            Listens on 127.0.0.1 unless --host says otherwise; any other address needs a token, which every \
            request must then carry (Authorization: Bearer, or log in at /login). Give the token in $FRS_WEB_TOKEN, \
            in a file (--token-file) or as `web_token` in the config file; --token works too but shows it to every \
            user of the machine in `ps`.
            """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port (0: any free port, printed at start).") var port = 8080
        @Option(help: ArgumentHelp("File whose first line is the access token (instead of $FRS_WEB_TOKEN or web_token).",
                                   valueName: "path"))
        var tokenFile: String?
        @Option(help: ArgumentHelp("Access token; visible to other users in `ps`: prefer $FRS_WEB_TOKEN or --token-file.",
                                   valueName: "token"))
        var token: String?
        @Option(help: ArgumentHelp("Largest upload in MB (search photos, forms).", valueName: "MB"))
        var uploadLimit = WebConfiguration.defaultUploadLimit >> 20
        @Option(help: ArgumentHelp("Close a connection that sends nothing for this many seconds (slow or stalled clients).",
                                   valueName: "seconds"))
        var idleTimeout = Int(WebConfiguration.defaultIdleTimeout.components.seconds)
        @Flag(help: "Mark session cookies Secure on every response (behind an HTTPS proxy on another machine; a proxy on this machine sending X-Forwarded-Proto: https gets them anyway).")
        var secureCookies = false

        func run() async throws {
            guard (1...4096).contains(uploadLimit) else { throw ValidationError("--upload-limit must be from 1 to 4096 MB") }
            guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be at least 1 second") }
            var settings = try store.settings
            if let token = try flagToken() { try settings.set(.webToken, token, source: .flag) }
            var configuration = WebConfiguration(
                host: host, port: port, token: settings.webToken, dataDirectory: settings.dataDirectory, models: settings.models,
                uploadLimit: uploadLimit << 20, idleTimeout: .seconds(idleTimeout), secureCookies: secureCookies)
            configuration.embeddingFlip = settings.embeddingFlip
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

        /// The token of --token-file or --token (not both); nil leaves $FRS_WEB_TOKEN or the config file's web_token.
        func flagToken() throws -> String? {
            if tokenFile != nil && token != nil { throw ValidationError("give --token-file or --token, not both") }
            if let tokenFile {
                let text: String
                do {
                    text = try String(contentsOfFile: tokenFile, encoding: .utf8)
                } catch {
                    throw ValidationError("cannot read the token file \(tokenFile): \(FileProblem.reason(at: tokenFile) ?? "not UTF-8 text")")
                }
                let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
                guard !trimmed.isEmpty else { throw ValidationError("the token file \(tokenFile) is empty: put the token on its first line") }
                return trimmed
            }
            if let token, !token.isEmpty {
                FileHandle.standardError.write(Data("""
                    frs serve: warning: --token is visible to every user of this machine (ps, /proc); \
                    set FRS_WEB_TOKEN or use --token-file instead

                    """.utf8))
                return token
            }
            return nil
        }
    }
}
