import ArgumentParser

extension FRS.People {
    struct Hide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hide", abstract: "Hide a person from the people listings (search still finds them).")

        @OptionGroup var options: ChangeOptions
        @Argument(help: "Person id.") var id: Int64

        func run() async throws {
            try await options.run { try await $0.setHidden(id, hidden: true, dryRun: $1) }
        }
    }
}
