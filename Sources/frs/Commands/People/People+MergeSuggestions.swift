import ArgumentParser
import FacePipeline

extension FRS.People {
    struct MergeSuggestions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge-suggestions",
            abstract: "Pairs of persons that are probably one person, most alike first.",
            discussion: """
            Merge a pair with `frs people merge A --into B`, or say they are different people with \
            `frs people different A B`. Pairs marked different, pairs seen together in one photo and pairs \
            that a user named both are not suggested.
            """
        )

        @OptionGroup var store: StoreOptions
        @Option(help: "How many pairs (at most \(PeopleService.maxPageSize)).") var limit = 30
        @Option(help: "Continue after this position (the \"next\" of a --json listing).") var after: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let list = try await store.withPeople { try await $0.mergeSuggestions(after: after, limit: limit) }
            if json {
                print(try JSONOutput.string(list))
                return
            }
            print(Table.render(header: ["similarity", "id", "name", "faces", "id", "name", "faces"], rows: list.items.map {
                [String(format: "%.3f", $0.similarity) + ($0.mutual ? " *" : ""), String($0.first.id), $0.first.name, String($0.first.faces),
                 String($0.second.id), $0.second.name, String($0.second.faces)]
            }))
            if list.items.isEmpty { print("no merge suggestions") }
        }
    }
}
