import ArgumentParser
import FacePipeline
import FaceStore

extension FRS.People {
    struct BirthDate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "birth-date", abstract: "Set or clear a person's birth date.",
            discussion: """
            A face from a photo taken before the birth date (EXIF DateTimeOriginal, a video's creation time) is \
            never given to the person by matching, clustering or suggestions. Setting it unassigns the faces the \
            machine gave the person from earlier photos; faces you confirmed stay, with a warning.
            """)

        @OptionGroup var options: ChangeOptions
        @Argument(help: "Person id.") var id: Int64
        @Argument(help: "The birth date, YYYY-MM-DD.") var date: String?
        @Flag(help: "Remove the birth date.") var clear = false

        func validate() throws {
            if clear == (date != nil) { throw ValidationError("give either a date (YYYY-MM-DD) or --clear") }
            if let date { _ = try Self.parse(date) }
        }

        static func parse(_ text: String) throws -> CalendarDay {
            do { return try PeopleService.birthDate(parsing: text) } catch { throw ValidationError("\(error)") }
        }

        func run() async throws {
            let day = try date.map(Self.parse)
            try await options.run { try await $0.setBirthDate(id, to: day, dryRun: $1) }
        }
    }
}
