import FacePipeline
import FaceStore
import Foundation
import Testing

/// The pages in real headless Chromium: rename, merge and move as a person would, then the database is checked.
/// Screenshots go to $TMPDIR/frs-web-screenshots.
@Suite("Web pages in Chromium", .serialized)
struct BrowserTests {
    static let screenshots: URL = FileManager.default.temporaryDirectory.appendingPathComponent("frs-web-screenshots")

    @Test func renameMergeAndMoveInTheBrowser() async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        try await withSeededLibrary(.sqlite) { database, library in
            let server = try TestServer(database: database)
            defer { server.stop() }
            let browser = try WebDriver()
            defer { browser.quit() }
            let base = server.baseURL

            try browser.open(base + "/")
            #expect(try browser.source.contains("Hamid Mir"))
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("1-people.png"))

            // Rename the machine-named person from their page.
            try browser.click("[data-person=\"\(library.shaista)\"] a")
            #expect(try browser.currentURL.hasSuffix("/people/\(library.shaista)"))
            try browser.type("#rename-name", "Shaista Lodhi")
            try browser.click("#rename-submit")
            #expect(try browser.source.contains("to \"Shaista Lodhi\""))
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("2-person-renamed.png"))

            // Merge Imran Khan into Hamid Mir.
            try browser.open(base + "/people/\(library.imran)")
            try browser.click("#merge-into option[value=\"\(library.hamid)\"]")
            try browser.click("#merge-submit")
            #expect(try browser.currentURL.contains("/people/\(library.hamid)"))
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("3-merged.png"))

            // Move Jenny's face (unassigned) to Shaista Lodhi.
            let jenny = library.faces["Jenny.jpg"]!
            try browser.open(base + "/faces/unassigned")
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("4-unassigned.png"))
            try browser.click("#face-\(jenny)")
            try browser.click("#move-to option[value=\"\(library.shaista)\"]")
            try browser.click("#move-submit")
            #expect(try browser.source.contains("move face \(jenny)"))

            // "Who is this?" with an upload through the multipart form.
            try browser.open(base + "/search")
            try browser.type("#search-photo", Paths.seed.appendingPathComponent("Imran_Khan.jpg").path)
            try browser.click("#search-submit")
            let results = try browser.source
            #expect(results.contains("Hamid Mir") && results.contains(">match<"), "the merged person holds Imran's faces now")
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("5-search.png"))

            try browser.open(base + "/faces/\(library.faces["Hamid_MIR.jpg"]!)/photo")
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("6-face-photo.png"))
            try browser.open(base + "/status")
            #expect(try browser.source.contains("media done"))
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("7-status.png"))

            let store = try await database.openStore()
            defer { Task { try? await store.close() } }
            let shaista = try #require(try await store.person(id: library.shaista))
            #expect(shaista.name == "Shaista Lodhi" && shaista.isUserNamed)
            #expect(try await store.person(id: library.imran) == nil)
            #expect(try await store.faces(person: library.hamid).count == 4)
            let moved = try await store.faces(person: library.shaista)
            #expect(moved.contains { $0.id == jenny && $0.isUserVerified })
            #expect(try await store.assignments(face: jenny).last?.actor == "web")
        }
    }

    /// The suggestions page as a user sees it: every group the service suggests is on the page, each
    /// one screenshotted (suggestion-N.png) for a person to look at; birth dates through the form;
    /// capture dates on the face cards.
    @Test func suggestionsAndDatesInTheBrowser() async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        try await withSeededLibrary(.sqlite) { database, library in
            let store = try await database.openStore()
            // Hamid Mir goes: his two faces (0.83 alike) are unassigned, a group to suggest.
            try await store.deletePerson(library.hamid, actor: "test")
            let imranFile = try #require(try await browsing(store).faceDetails(ids: [library.faces["Imran_Khan.jpg"]!]).first?.mediaFileId)
            try await store.setCaptureTime(mediaFile: imranFile, CaptureTime(year: 2011, month: 4, day: 5, hour: 18, minute: 7,
                                                                                second: 0, utcOffsetMinutes: 300))
            let expected = try await PeopleService(store: store, actor: "test").suggestions()
            try await store.close()

            let server = try TestServer(database: database)
            defer { server.stop() }
            let browser = try WebDriver()
            defer { browser.quit() }
            try browser.open(server.baseURL + "/faces/unassigned")
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("suggestions-page.png"))
            let groups = try browser.elements("[data-suggestion]")
            #expect(groups.count == expected.count && !expected.isEmpty)
            let source = try browser.source
            for (index, (group, suggestion)) in zip(groups, expected).enumerated() {
                try browser.screenshot(element: group, to: Self.screenshots.appendingPathComponent("suggestion-\(index + 1).png"))
                #expect(source.contains("\(suggestion.faces.count) faces, mean similarity \(String(format: "%.2f", suggestion.meanSimilarity))"))
                #expect(suggestion.faces.count >= 3 || suggestion.meanSimilarity >= Recognizer.smallGroupMinSimilarity)
            }

            // A birth date through the person page's form; a future one is refused with the reason.
            try browser.open(server.baseURL + "/people/\(library.imran)")
            #expect(try browser.source.contains("2011-04-05 18:07:00+05:00"), "the face card shows when its photo was taken")
            try browser.setValue("#birth-date", "1966-03-23")
            try browser.click("#birth-date-submit")
            let page = try browser.source
            #expect(page.contains("born 1966-03-23") && page.contains("to 1966-03-23"), "\(page.prefix(2000))")
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("person-birth-date.png"))
            try browser.click("#birth-date-clear")
            #expect(!(try browser.source.contains("born 1966-03-23")))
            try browser.setValue("#birth-date", "2999-01-01")
            try browser.click("#birth-date-submit")
            #expect(try browser.source.contains("2999-01-01 is in the future"))

            let check = try await database.openStore()
            defer { Task { try? await check.close() } }
            #expect(try await check.person(id: library.imran)?.birthDate == nil)
            #expect(try await check.assignments(face: library.faces["Imran_Khan.jpg"]!).allSatisfy { $0.reason != .user },
                    "setting and clearing the date moved no face: its photo is from after it")
        }
    }
}

