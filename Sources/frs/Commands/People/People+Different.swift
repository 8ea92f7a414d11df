import ArgumentParser

extension FRS.People {
    struct Different: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "different",
            abstract: "Remember that two persons are different people: merge suggestions never pair them again."
        )

        @OptionGroup var options: ChangeOptions
        @Argument(help: "The two person ids.") var persons: [Int64]

        func validate() throws {
            if persons.count != 2 { throw ValidationError("give exactly two person ids") }
        }

        func run() async throws {
            try await options.run { try await $0.markDifferent(persons[0], persons[1], dryRun: $1) }
        }
    }
}
