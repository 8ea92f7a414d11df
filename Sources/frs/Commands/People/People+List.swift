import ArgumentParser
import FacePipeline

extension FRS.People {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List persons.")

        @OptionGroup var store: StoreOptions
        @Option(help: "Order: name, faces (most first) or id.") var sort: PeopleSort = .faces
        @Flag(inversion: .prefixedNo, help: "Include hidden persons.") var hidden = true
        @Flag(help: "Print a JSON array.") var json = false
        @Flag(help: "Print CSV with a header line.") var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("choose one of --json and --csv") }
        }

        func run() async throws {
            let rows = try await store.withPeople { try await $0.people(sort: sort, includeHidden: hidden) }
            if json {
                print(try JSONOutput.string(rows))
            } else if csv {
                print(CSV.line(["id", "name", "faces", "photos", "hidden", "birth_date"]))
                for row in rows {
                    print(CSV.line([String(row.id), row.name, String(row.faces), row.photos.map(String.init) ?? "", String(row.hidden), row.birthDate ?? ""]))
                }
            } else {
                print(Table.render(header: ["id", "name", "faces", "photos", "hidden", "born"], rows: rows.map {
                    [String($0.id), $0.name, String($0.faces), $0.photos.map(String.init) ?? "", $0.hidden ? "yes" : "", $0.birthDate ?? ""]
                }))
            }
        }
    }
}

extension PeopleSort: ExpressibleByArgument {}
