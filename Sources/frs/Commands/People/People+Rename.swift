import ArgumentParser

extension FRS.People {
    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename", abstract: "Name a person (the person becomes user-named, which reclustering keeps).")

        @OptionGroup var options: ChangeOptions
        @Argument(help: "Person id.") var id: Int64
        @Argument(help: "The new name.") var name: String

        func run() async throws {
            try await options.run { try await $0.rename(id, to: name, dryRun: $1) }
        }
    }
}
