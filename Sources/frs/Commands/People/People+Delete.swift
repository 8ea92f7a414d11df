import ArgumentParser

extension FRS.People {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete a person; their faces become unassigned.")

        @OptionGroup var options: ChangeOptions
        @Argument(help: "Person id.") var id: Int64

        func run() async throws {
            try await options.run { try await $0.delete(id, dryRun: $1) }
        }
    }
}
