import ArgumentParser
import FacePipeline
import FaceStore

extension FRS {
    struct Photos: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "photos",
            abstract: "List the photos and videos in which all the given persons appear.",
            discussion: """
            `frs photos --with 3 --with "Anna Smith"` lists what shows both, newest first. A person is an id, \
            or a name that exactly one person has.
            """
        )

        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("with"), help: "A person (id or name); repeat for photos of several together.") var persons: [String] = []
        @Option(help: "Order: date (when taken, newest first; undated last) or added (newest first).") var sort: MediaOrder = .date
        @Option(help: "How many (at most \(PeopleService.maxPageSize)).") var limit = 100
        @Option(help: "Continue after this position (the \"next\" of a --json listing).") var after: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if persons.isEmpty { throw ValidationError("name at least one person with --with") }
        }

        func run() async throws {
            let list = try await store.withPeople { people in
                var ids: [Int64] = []
                for person in persons { ids.append(try await people.resolvePerson(person)) }
                return try await people.photos(with: ids, order: sort, after: after, limit: limit)
            }
            if json {
                print(try JSONOutput.string(list))
                return
            }
            print(Table.render(header: ["media", "taken", "faces", "path"], rows: list.items.map { photo in
                [String(photo.mediaFileId), photo.capturedAt ?? "",
                 photo.faces.map { $0.name ?? "?" }.joined(separator: ", "), Printable.escaped(photo.path)]
            }))
            if list.items.isEmpty { print("no photo shows " + list.persons.map(\.name).joined(separator: " and ")) }
            if list.next != nil { print("more: --after \(list.next!)") }
        }
    }
}

extension MediaOrder: ExpressibleByArgument {}
