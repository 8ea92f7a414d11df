import ArgumentParser

extension FRS.People {
    struct Unassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unassign", abstract: "Take faces away from their person.")

        @OptionGroup var options: ChangeOptions
        @Argument(help: "Face ids.") var faces: [Int64]

        func run() async throws {
            try await options.run { try await $0.unassign(faces: faces, dryRun: $1) }
        }
    }
}
