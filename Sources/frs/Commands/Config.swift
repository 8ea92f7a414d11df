import ArgumentParser
import FacePipeline
import Foundation

extension FRS {
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Show the settings frs runs with.",
            subcommands: [Show.self],
            defaultSubcommand: Show.self
        )

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the effective settings and where each comes from (secrets masked).",
                discussion: """
                Settings come from built-in defaults, then the config file (`key = value` lines), then \
                FRS_* environment variables, then flags. Keys and their variables:
                \(Settings.Key.allCases.map { "  \($0.rawValue) (\($0.environmentName))" }.joined(separator: "\n"))
                """
            )

            @OptionGroup var library: LibraryOptions

            func run() throws {
                let settings = try library.settings()
                let exists = FileManager.default.fileExists(atPath: settings.configFile.path)
                print("config file: \(Printable.escaped(settings.configFile.path))\(exists ? "" : " (not present)")")
                let rows = settings.described
                let width = rows.map(\.key.count).max() ?? 0
                for row in rows {
                    print("  \(row.key.padding(toLength: width, withPad: " ", startingAt: 0))  \(row.value.isEmpty ? "-" : Printable.escaped(row.value))  [\(row.source)]")
                }
                print("inference engine in use: \(try settings.inferenceEngine(notice: Console.status))")
            }
        }
    }
}
