import ArgumentParser
import FacePipeline
import FaceStore

extension FRS {
    struct Faces: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "faces", abstract: "List faces.", subcommands: [List.self])
    }
}

extension FRS.Faces {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List faces with their photos.")

        @OptionGroup var store: StoreOptions
        @Option(help: "Only this person's faces.") var person: Int64?
        @Flag(help: "Only faces without a person.") var unassigned = false
        @Option(help: "At most this many faces.") var limit = 10_000
        @Flag(help: "Print a JSON array.") var json = false

        func validate() throws {
            if person != nil && unassigned { throw ValidationError("choose one of --person and --unassigned") }
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let filter: FaceFilter = person.map { .person($0) } ?? (unassigned ? .unassigned : .all)
            let faces = try await store.withPeople { try await $0.faces(filter, limit: limit) }
            print(json ? try JSONOutput.string(faces) : FaceTable.render(faces))
        }
    }
}
