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
}
