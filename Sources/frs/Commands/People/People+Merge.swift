import ArgumentParser

extension FRS.People {
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Move every face of some persons to another and delete them.",
            discussion: "The target keeps its name when a user named it; otherwise it takes the first user-named source's."
        )

        @OptionGroup var options: ChangeOptions
        @Argument(help: "The persons to merge away.") var sources: [Int64]
        @Option(help: "The person that receives the faces.") var into: Int64

        func run() async throws {
            try await options.run { try await $0.merge(sources, into: into, dryRun: $1) }
        }
    }
}
