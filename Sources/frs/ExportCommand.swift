import ArgumentParser
import FacePipeline
import FaceStore
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the library for scripts and checks.",
        subcommands: [Faces.self]
    )

    struct Faces: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per face: photo, frame, box, score, person.",
            discussion: """
            JSON (default): one object per line, {"face_id", "path", "frame", "box": [x1, y1, x2, y2], \
            "score", "person_id", "person_name"}; null where unknown. CSV: the same columns with a header. \
            A person without a user-given name is exported under its machine name (Unknown-N).
            """
        )

        @Flag(help: "One JSON object per line (default).") var json = false
        @Flag(help: "CSV with a header row.") var csv = false
        @OptionGroup var library: LibraryOptions

        func validate() throws {
            if json && csv { throw ValidationError("choose one of --json and --csv") }
        }

        func run() async throws {
            let settings = try library.settings()
            library.bootstrapLogging(settings)
            guard let store = try await library.openStore(settings, dryRun: true) else {
                throw ValidationError("no library at \(maskedURL(settings.database)); run `frs add` first")
            }
            defer { Task { try? await store.close() } }
            var names: [Int64: String] = [:]
            for summary in try await store.persons(includeHidden: true) {
                let person = summary.person
                names[person.id] = person.name ?? person.number.map(Person.machineName) ?? "Person-\(person.id)"
            }
            if csv { print("face_id,path,frame,x1,y1,x2,y2,score,person_id,person_name") }
            try await store.forEachFacePage { page in
                var text = ""
                for face in page {
                    let row = ExportedFace(face: face, personName: face.personId.flatMap { names[$0] })
                    text += (csv ? row.csvLine() : try row.jsonLine()) + "\n"
                }
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}

/// One exported face.
struct ExportedFace: Encodable {
    var face_id: Int64
    var path: String
    var frame: Int?
    var box: [Double]?
    var score: Double?
    var person_id: Int64?
    var person_name: String?

    init(face: FaceLocation, personName: String?) {
        face_id = face.faceId
        path = face.mediaPath
        frame = face.frameNumber
        box = face.box.map { [$0.x1, $0.y1, $0.x2, $0.y2].map { ($0 * 100).rounded() / 100 } }
        score = face.score.map { ($0 * 100_000).rounded() / 100_000 }
        person_id = face.personId
        person_name = personName
    }

    private enum CodingKeys: String, CodingKey { case face_id, path, frame, box, score, person_id, person_name }

    // Explicit nulls: a missing key and an unknown value should look different to scripts.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(face_id, forKey: .face_id)
        try c.encode(path, forKey: .path)
        try c.encode(frame, forKey: .frame)
        try c.encode(box, forKey: .box)
        try c.encode(score, forKey: .score)
        try c.encode(person_id, forKey: .person_id)
        try c.encode(person_name, forKey: .person_name)
    }

    func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func csvLine() -> String {
        let box = self.box ?? []
        let fields: [String] = ["\(face_id)", path, frame.map(String.init) ?? ""]
            + (0..<4).map { box.count == 4 ? "\(box[$0])" : "" }
            + [score.map { "\($0)" } ?? "", person_id.map(String.init) ?? "", person_name ?? ""]
        return fields.map(Self.quoted).joined(separator: ",")
    }

    static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
