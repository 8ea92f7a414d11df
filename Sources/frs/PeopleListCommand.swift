import ArgumentParser
import FacePipeline

struct PeopleListCommand: AsyncParsableCommand {
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
            print("id,name,faces,photos,hidden")
            for row in rows { print([String(row.id), CSV.field(row.name), String(row.faces), String(row.photos), String(row.hidden)].joined(separator: ",")) }
        } else {
            print(Table.render(header: ["id", "name", "faces", "photos", "hidden"], rows: rows.map {
                [String($0.id), $0.name, String($0.faces), String($0.photos), $0.hidden ? "yes" : ""]
            }))
        }
    }
}

extension PeopleSort: ExpressibleByArgument {}

enum CSV {
    /// Quotes a field when it holds a comma, quote or line break (RFC 4180).
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

enum Table {
    /// Left-aligned columns separated by two spaces.
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
