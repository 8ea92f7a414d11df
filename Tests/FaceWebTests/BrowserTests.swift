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
            // The person picker: what one types is looked up by name (app.js fills the options).
            try browser.type("#merge-into", "Hamid Mir (#\(library.hamid))")
            try browser.click("#merge-submit")
            #expect(try browser.currentURL.contains("/people/\(library.hamid)"))
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("3-merged.png"))

            // Move Jenny's face (unassigned) to Shaista Lodhi.
            let jenny = library.faces["Jenny.jpg"]!
            try browser.open(base + "/faces/unassigned")
            try browser.screenshot(to: Self.screenshots.appendingPathComponent("4-unassigned.png"))
            try browser.click("#face-\(jenny)")
            try browser.type("#move-to", String(library.shaista))
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
            let expected = try await PeopleService(store: store, actor: "test").suggestions(limit: 10).items
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


/// The pages for large libraries, as a person uses them: paging and finding by name, "is this X?" with
/// the keyboard, "likely wrong", merge suggestions, photos of two persons together, the name picker.
@Suite("People pages in Chromium", .serialized)
struct PeoplePagesBrowserTests {
    static var screenshots: URL { BrowserTests.screenshots }

    func shot(_ browser: WebDriver, _ name: String) throws {
        try browser.screenshot(to: Self.screenshots.appendingPathComponent("pages-\(name).png"))
    }

    @Test func pagingSearchReviewMergeAndPhotos() async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        try await withSeededLibrary(.sqlite) { database, library in
            let store = try await database.openStore()
            // 65 more persons (without faces): the grid has two pages.
            for index in 1...65 { _ = try await store.createPerson(name: String(format: "Extra %02d", index)) }
            // Imran's second face is unassigned again: "is this Imran Khan?" should offer it first.
            let imranFace = library.faces["Imran_Khan.jpg"]!
            try await store.assign(faces: [imranFace], to: nil, reason: .user, actor: "test")
            // Two faces of one photo become Ali and Sara: a photo of both.
            let (first, second) = try await SeededLibrary.sharedPhoto(store, data: database.dataDirectory)
            let owner = try await store.createPerson(name: "Ali", faces: [first], reason: .user, actor: "test", verified: true).id
            let other = try await store.createPerson(name: "Sara", faces: [second], reason: .user, actor: "test", verified: true).id
            let names = [owner: "Ali", other: "Sara"]
            // Jenny's face wrongly in Hamid Mir: "likely wrong" should put it first.
            let jenny = library.faces["Jenny.jpg"]!
            try await store.assign(faces: [jenny], to: library.hamid, reason: .cluster, actor: "frs")
            // Shaista Lodhi split in two: a merge suggestion.
            let split = try await store.createPerson(name: nil, faces: [library.faces["lodhi.jpg"]!], reason: .cluster, actor: "frs", verified: nil)
            try await store.close()

            let server = try TestServer(database: database)
            defer { server.stop() }
            let browser = try WebDriver()
            defer { browser.quit() }
            let base = server.baseURL

            // Paging: 60 cards, then the rest.
            try browser.open(base + "/?sort=name")
            #expect(try browser.elements("[data-person]").count == 60)
            try shot(browser, "1-grid-by-name")
            try browser.click("#next-page")
            #expect(try browser.elements("[data-person]").count == 3 + 3 + 65 - 60)
            #expect(try browser.currentURL.contains("after="))
            try shot(browser, "2-grid-page-2")

            // Finding by name.
            try browser.type("#people-q", "imran")
            try browser.click("#people-search-submit")
            #expect(try browser.elements("[data-person]").count == 1 && browser.source.contains("Imran Khan"))
            try shot(browser, "3-search")

            // The name picker offers persons as one types.
            try browser.open(base + "/people/\(split.id)")
            try browser.type("#merge-into", "Shai")
            try await Task.sleep(for: .seconds(1))
            #expect(try browser.source.contains("value=\"Unknown-3 (#\(library.shaista))\"") == false, "Unknown-3 has no 'Shai' in its name")
            try browser.type("#merge-into", "Unknown-")
            try await Task.sleep(for: .seconds(1))
            #expect(try browser.source.contains("Unknown-3 (#\(library.shaista))"), "the picker lists persons whose name contains the text")

            // "Is this Imran Khan?": select all and accept with the keyboard.
            try browser.open(base + "/people/\(library.imran)/review")
            #expect(try browser.elements("[data-face]").first == (try browser.element("[data-face=\"\(imranFace)\"]")))
            try shot(browser, "4-review")
            try browser.press("d")
            try browser.click("#face-\(imranFace)")
            try browser.press("a")
            #expect(try browser.source.contains("move face \(imranFace) to person \(library.imran)"))

            // "Likely wrong": Jenny first; "Not Hamid Mir".
            try browser.open(base + "/people/\(library.hamid)/likely-wrong")
            #expect(try browser.elements("[data-face]").first == (try browser.element("[data-face=\"\(jenny)\"]")))
            try shot(browser, "5-likely-wrong")
            try browser.click("#face-\(jenny)")
            try browser.press("r")
            #expect(try browser.source.contains("remember face \(jenny) is not person \(library.hamid)"))

            // Merge suggestions: the split Shaista Lodhi; "different people", then it is gone.
            try browser.open(base + "/people/merge-suggestions")
            let pair = "\(min(library.shaista, split.id))-\(max(library.shaista, split.id))"
            let suggested = try browser.source
            #expect(try !browser.elements("[data-pair=\"\(pair)\"]").isEmpty, "\(suggested.prefix(3000))")
            try shot(browser, "6-merge-suggestions")
            try browser.click("#different-\(pair)")
            #expect(try browser.source.contains("are different people") && browser.elements("[data-pair=\"\(pair)\"]").isEmpty)

            // Photos of the two together, the second chosen with the picker by name.
            try browser.open(base + "/photos?with=\(owner)")
            let ownPhotos = try browser.elements("[data-media]").count
            #expect(ownPhotos >= 1)
            try browser.type("#photos-with", names[other]!)
            try browser.click("#photos-submit")
            #expect(try browser.elements("[data-media]").count == 1)
            let page = try browser.source
            #expect(page.contains("Photos of \(names[owner]!) and \(names[other]!)") && page.contains(">\(names[owner]!)</text>")
                    && page.contains(">\(names[other]!)</text>"), "\(page.prefix(3000))")
            try shot(browser, "7-photos-of-both")

            let check = try await database.openStore()
            defer { Task { try? await check.close() } }
            let accepted = try #require(try await browsing(check).faceDetails(ids: [imranFace]).first)
            #expect(accepted.face.personId == library.imran && accepted.face.isUserVerified)
            #expect(try await check.rejections().contains(FaceRejection(faceId: jenny, personId: library.hamid)))
            #expect(try await browsing(check).personDistinctions() == [PersonPair(library.shaista, split.id)])
        }
    }
}
