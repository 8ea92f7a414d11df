import ArgumentParser
import FacePipeline

extension FRS.People {
    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move", abstract: "Move faces to a person, or to a new person (marks them user-confirmed).")

        @OptionGroup var options: ChangeOptions
        @Argument(help: "Face ids.") var faces: [Int64]
        @Option(help: "The person that receives the faces.") var to: Int64?
        @Flag(help: "Create a new person for the faces.") var new = false
        @Option(help: "Name of the new person (with --new; default: a machine name).") var name: String?

        func validate() throws {
            if (to == nil) == !new { throw ValidationError("give exactly one of --to ID and --new") }
            if name != nil && !new { throw ValidationError("--name goes with --new") }
        }

        func run() async throws {
            let target: PeopleService.MoveTarget = to.map { .person($0) } ?? .newPerson(name: name)
            try await options.run { try await $0.move(faces: faces, to: target, dryRun: $1) }
        }
    }
}
