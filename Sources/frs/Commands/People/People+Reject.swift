import ArgumentParser

extension FRS.People {
    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reject", abstract: "Say faces are not a person: they leave it and never go back to it by machine.",
            discussion: """
            The faces that belong to the person become unassigned; matching, clustering and \
            `frs recluster --full` never give any of the faces to that person again (moving a face \
            there by hand undoes it). `frs people unassign` and `frs people move` remember the same \
            about the person a face leaves.
            """)

        @OptionGroup var options: ChangeOptions
        @Option(help: ArgumentHelp("The person the faces are not.", valueName: "id")) var from: Int64
        @Argument(help: "Face ids.") var faces: [Int64]

        func run() async throws {
            try await options.run { try await $0.reject(faces: faces, from: from, dryRun: $1) }
        }
    }
}
