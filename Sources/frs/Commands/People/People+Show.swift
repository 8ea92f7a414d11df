import ArgumentParser
import FacePipeline

extension FRS.People {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a person and their faces.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "Person id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            // Every face, a page at a time (a terminal listing has no pages).
            let page = try await store.withPeople { people in
                var page = try await people.person(id, after: nil, limit: PeopleService.maxPageSize)
                while let next = page.next {
                    let more = try await people.person(id, after: next, limit: PeopleService.maxPageSize)
                    page.faces += more.faces
                    page.next = more.next
                }
                return page
            }
            if json {
                print(try JSONOutput.string(page))
                return
            }
            let person = page.person
            print("person \(person.id) \"\(Printable.escaped(person.name))\": \(person.faces) face(s) in \(person.photos ?? 0) photo(s)"
                  + (person.hidden ? ", hidden" : "") + (person.userNamed ? ", named by a user" : "")
                  + (person.birthDate.map { ", born \($0)" } ?? ""))
            print(FaceTable.render(page.faces))
        }
    }
}

enum FaceTable {
    static func render(_ faces: [FaceRow]) -> String {
        Table.render(header: ["face", "person", "verified", "box", "taken", "path"], rows: faces.map { face in
            [String(face.id), face.personId.map(String.init) ?? "-", face.verified ? "yes" : "",
             face.box.map { $0.map { String(Int($0.rounded())) }.joined(separator: ",") } ?? "", face.capturedAt ?? "",
             face.path + (face.frame.map { " frame \($0)" } ?? "")]
        })
    }
}
