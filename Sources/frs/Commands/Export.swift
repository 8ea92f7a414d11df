import ArgumentParser
import FacePipeline
import FaceStore
import Foundation

extension FRS {
    struct Export: AsyncParsableCommand {
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
                "score", "person_id", "person_name", "captured_at"}; null where unknown. CSV: the same columns with a \
                header. A person without a user-given name is exported under its machine name (Unknown-N). \
                captured_at is when the photo or video was taken, ISO 8601: with the offset when the file gives one \
                ("2019-07-14T15:30:00+02:00", "...Z" for a video's UTC time), without one for a camera's local time \
                of unknown zone ("2019-07-14T15:30:00").
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
                let exported: Void? = try await library.withStore(settings, dryRun: true) { store in
                    var names: [Int64: String] = [:]
                    for summary in try await store.persons(includeHidden: true) {
                        let person = summary.person
                        names[person.id] = person.name ?? person.number.map(Person.machineName) ?? "Person-\(person.id)"
                    }
                    // Every line through the one unbuffered handle: print() is buffered when standard
                    // output is a file, so a header printed with it came out after the rows.
                    let output = FileHandle.standardOutput
                    if csv { output.write(Data((CSV.line(ExportedFace.csvHeader) + "\n").utf8)) }
                    try await store.forEachFacePage { page in
                        var text = ""
                        for face in page {
                            let row = ExportedFace(face: face, personName: face.personId.flatMap { names[$0] })
                            text += (csv ? CSV.line(row.csvFields) : try JSONOutput.string(row)) + "\n"
                        }
                        output.write(Data(text.utf8))
                    }
                }
                guard exported != nil else {
                    throw ValidationError("no library at \(maskedURL(settings.database)); run `frs add` first")
                }
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
    var captured_at: String?

    init(face: FaceLocation, personName: String?) {
        face_id = face.faceId
        path = face.mediaPath
        frame = face.frameNumber
        box = face.box.map { [$0.x1, $0.y1, $0.x2, $0.y2].map { ($0 * 100).rounded() / 100 } }
        score = face.score.map { ($0 * 100_000).rounded() / 100_000 }
        person_id = face.personId
        person_name = personName
        captured_at = face.capturedAt?.iso8601
    }

    private enum CodingKeys: String, CodingKey { case face_id, path, frame, box, score, person_id, person_name, captured_at }

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
        try c.encode(captured_at, forKey: .captured_at)
    }

    static let csvHeader = ["face_id", "path", "frame", "x1", "y1", "x2", "y2", "score", "person_id", "person_name", "captured_at"]

    var csvFields: [String] {
        let box = self.box ?? []
        return ["\(face_id)", path, frame.map(String.init) ?? ""]
            + (0..<4).map { box.count == 4 ? "\(box[$0])" : "" }
            + [score.map { "\($0)" } ?? "", person_id.map(String.init) ?? "", person_name ?? "", captured_at ?? ""]
    }
}
