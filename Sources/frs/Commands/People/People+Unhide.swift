import ArgumentParser

extension FRS.People {
    struct Unhide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unhide", abstract: "Show a hidden person again.")

        @OptionGroup var options: ChangeOptions
        @Argument(help: "Person id.") var id: Int64

        func run() async throws {
            try await options.run { try await $0.setHidden(id, hidden: false, dryRun: $1) }
        }
    }
}
