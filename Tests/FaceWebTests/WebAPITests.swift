import FRSTestSupport
import FacePipeline
import FaceStore
import FaceVision
import Foundation
import StoreTestSupport
import Testing

/// The server's safety rules and its JSON API, over real HTTP against `frs serve`.
@Suite("Web API and safety", .serialized)
struct WebAPITests {
    static let token = "test-token-0123456789abcdef"

    @Test func tokenIsRequiredAndCheckedWhenConfigured() async throws {
        try await withSeededLibrary(.sqlite) { database, library in
            let server = try TestServer(database: database, arguments: ["--token", Self.token])
            defer { server.stop() }
            let anonymous = try Curl.request("GET", server.baseURL + "/api/people")
            #expect(anonymous.status == 401)
            let wrong = try Curl.request("GET", server.baseURL + "/api/people", headers: ["Authorization": "Bearer wrong-token-0000000000"])
            #expect(wrong.status == 401)
            #expect(wrong.text.contains("wrong token") && !wrong.text.contains(Self.token))
            let page = try Curl.request("GET", server.baseURL + "/")
            #expect(page.status == 303 && page.headers["location"] == "/login")
            let right = try Curl.request("GET", server.baseURL + "/api/people", headers: ["Authorization": "Bearer \(Self.token)"])
            #expect(right.status == 200)
            #expect(((try right.json() as? [String: Any])?["items"] as? [[String: Any]])?.count == 3)
            #expect(!server.child.text.contains(Self.token), "the token must never be logged")

            // The login form: a session cookie, its CSRF token, then the server token.
            let login = try Curl.request("GET", server.baseURL + "/login")
            let cookie = try #require(login.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
            let csrf = try #require(login.text.range(of: #"name="csrf" value=""#).map {
                String(login.text[$0.upperBound...].prefix { $0 != "\"" })
            })
            let form = ["Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie]
            let badLogin = try Curl.request("POST", server.baseURL + "/login", headers: form, body: Data("csrf=\(csrf)&token=nope".utf8))
            #expect(badLogin.status == 401)
            #expect(try Curl.request("GET", server.baseURL + "/", headers: ["Cookie": cookie]).status == 303)
            let goodLogin = try Curl.request("POST", server.baseURL + "/login", headers: form, body: Data("csrf=\(csrf)&token=\(Self.token)".utf8))
            #expect(goodLogin.status == 303)
            let loggedIn = try #require(goodLogin.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
            let grid = try Curl.request("GET", server.baseURL + "/", headers: ["Cookie": loggedIn])
            #expect(grid.status == 200 && grid.text.contains("Hamid Mir"))

            // An oversized upload is refused with a clear message, before any decoding.
            let big = Data(repeating: 0xFF, count: 21 * 1024 * 1024)
            let upload = try Curl.request("POST", server.baseURL + "/api/search",
                                          headers: ["Authorization": "Bearer \(Self.token)", "Content-Type": "image/jpeg"], body: big)
            #expect(upload.status == 413)
            #expect(upload.text.contains("upload too large") && upload.text.contains("20 MB"), "\(upload.text)")
            // A small file that is not an image is refused by the decoder with a clear message.
            let junk = try Curl.request("POST", server.baseURL + "/api/search",
                                        headers: ["Authorization": "Bearer \(Self.token)", "Content-Type": "image/jpeg"],
                                        body: Data("not an image".utf8))
            #expect(junk.status == 400 && junk.text.contains("cannot use this image"), "\(junk.text)")
            _ = library
        }
    }

    @Test func nonLoopbackAddressNeedsAToken() async throws {
        // Names that only start like a loopback address are DNS names like any other.
        for host in ["0.0.0.0", "127.x.example", "127.0.0.1.nip.io", "127.0.0.1.rebind.attacker.example", "localhost.example"] {
            let result = try await FRSBinary.run(["serve", "--host", host, "--port", "0", "--database", "/nonexistent/x.sqlite"],
                                           environment: ["FRS_WEB_TOKEN": ""])
            #expect(result.status != 0)
            #expect(result.stderr.contains("without a token"), "--host \(host): \(result.stderr)")
        }
    }

    @Test("weak tokens are refused; the token comes from the environment or a file, and --token warns")
    func tokensMustBeStrongAndStayOutOfPs() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.destroy() } }
        let serve = ["serve", "--port", "0", "--database", database.location]
        for weak in [String(repeating: " ", count: 16), " \(Self.token) ", "short-token", String(repeating: "ab", count: 10),
                     "token with spaces 0123456789"] {
            let result = try await FRSBinary.run(serve + ["--token", weak], environment: ["FRS_WEB_TOKEN": ""])
            #expect(result.status != 0, "token '\(weak)' was accepted")
            #expect(result.stderr.contains("token"), "\(result.stderr)")
            let fromEnvironment = try await FRSBinary.run(serve, environment: ["FRS_WEB_TOKEN": weak])
            #expect(fromEnvironment.status != 0, "FRS_WEB_TOKEN '\(weak)' was accepted")
        }

        try await withFaceStore(database.location) { _ in }
        let file = database.directory.appendingPathComponent("token")
        try Data("\(Self.token)\n".utf8).write(to: file)
        let fromFile = try TestServer(database: database, arguments: ["--token-file", file.path], environment: ["FRS_WEB_TOKEN": ""])
        defer { fromFile.stop() }
        #expect(try Curl.request("GET", fromFile.baseURL + "/api/status").status == 401)
        #expect(try Curl.request("GET", fromFile.baseURL + "/api/status", headers: ["Authorization": "Bearer \(Self.token)"]).status == 200)
        #expect(!fromFile.child.text.contains("warning"), "\(fromFile.child.text)")

        let fromFlag = try TestServer(database: database, arguments: ["--token", Self.token], environment: ["FRS_WEB_TOKEN": ""])
        defer { fromFlag.stop() }
        #expect(fromFlag.child.text.contains("--token is visible"), "\(fromFlag.child.text)")
        #expect(!fromFlag.child.text.contains(Self.token))
    }

    @Test("a connection that trickles its headers is closed after the idle timeout (slowloris)")
    func slowHeadersAreCutOff() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.destroy() } }
        try await withFaceStore(database.location) { _ in }
        let server = try TestServer(database: database, arguments: ["--idle-timeout", "2"])
        defer { server.stop() }
        let port = try #require(Int(server.baseURL.split(separator: ":").last ?? ""))
        let slow = try RawConnection(host: "127.0.0.1", port: port)
        try slow.send("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(500))
            // A send that fails (EPIPE) means the server has already closed the connection: what is
            // asserted below, so stop trickling and read what it sent before closing.
            do { try slow.send("X-Slow: 1\r\n") } catch { break }
        }
        let (text, closed) = slow.read(timeout: 20)
        #expect(closed, "the connection is still open after 20 s")
        #expect(!text.contains("200 OK"), "\(text)")
        // A client that sends its request in time is answered as before.
        #expect(try Curl.request("GET", server.baseURL + "/api/status").status == 200)
    }

    @Test("without the face models, a search is 503 (the server's problem), not 400")
    func missingModelsAreTheServersProblem() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.destroy() } }
        try await withFaceStore(database.location) { _ in }
        // A file where the models folder should be: nothing to load, and no download can start.
        let models = database.directory.appendingPathComponent("no-models")
        try Data().write(to: models)
        let server = try TestServer(database: database, environment: ["FRS_MODELS": models.path])
        defer { server.stop() }
        let photo = try Data(contentsOf: Paths.seed.appendingPathComponent("Jenny.jpg"))
        let search = try Curl.request("POST", server.baseURL + "/api/search", headers: ["Content-Type": "image/jpeg"], body: photo)
        #expect(search.status == 503, "\(search.status) \(search.text)")
        #expect(search.text.contains("frs models install") && !search.text.contains(models.path), "\(search.text)")
    }

    @Test("--secure-cookies marks the session cookie Secure")
    func secureCookiesFlag() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.destroy() } }
        try await withFaceStore(database.location) { _ in }
        let server = try TestServer(database: database, arguments: ["--secure-cookies"])
        defer { server.stop() }
        let cookie = try #require(try Curl.request("GET", server.baseURL + "/").headers["set-cookie"])
        #expect(cookie.contains("Secure") && cookie.contains("HttpOnly"), "\(cookie)")
    }

    @Test func mediaURLsRejectPathTraversal() async throws {
        try await withSeededLibrary(.sqlite) { database, library in
            let server = try TestServer(database: database)
            defer { server.stop() }
            let face = library.faces["Hamid_MIR.jpg"]!
            let thumbnail = try Curl.request("GET", server.baseURL + "/thumbnails/\(face).jpg")
            #expect(thumbnail.status == 200 && thumbnail.headers["content-type"] == "image/jpeg")
            for path in ["/thumbnails/..%2F..%2F..%2Fetc%2Fpasswd", "/thumbnails/../../../../etc/passwd",
                         "/thumbnails/%2E%2E", "/thumbnails/..%5C..%5Cfrs.sqlite", "/photos/..%2F..%2Fetc%2Fpasswd",
                         "/photos/../../etc/passwd", "/thumbnails/.hidden"] {
                let response = try Curl.request("GET", server.baseURL + path)
                #expect([400, 404].contains(response.status), "\(path): \(response.status)")
                #expect(!response.text.contains("root:"), "\(path) leaked a file")
            }
            let people = try #require((try Curl.request("GET", server.baseURL + "/api/people").json() as? [String: Any])?["items"] as? [[String: Any]])
            #expect(people.count == 3)
            let photoId = try #require((try Curl.request("GET", server.baseURL + "/api/people/\(library.hamid)").json()
                                        as? [String: Any]).flatMap { ($0["faces"] as? [[String: Any]])?.first?["mediaFileId"] as? Int })
            let photo = try Curl.request("GET", server.baseURL + "/photos/\(photoId)")
            #expect(photo.status == 200 && photo.body.count > 1000)
            let annotated = try Curl.request("GET", server.baseURL + "/faces/\(face)/photo")
            #expect(annotated.status == 200 && annotated.headers["content-type"] == "image/jpeg")
            #expect(try Curl.request("GET", server.baseURL + "/photos/987654").status == 404)
        }
    }

    @Test func aFaceInAVideoLinksToItsFrame() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.destroy() } }
        let folder = database.directory.appendingPathComponent("videos")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try SampleVideo.make(photos: ["Jenny.jpg", "GroupM.jpg"], at: folder.appendingPathComponent("clip.mp4"))
        let arguments = ["--database", database.location, "--data-dir", database.dataDirectory.root.path]
        #expect(try await FRSBinary.run(["add", folder.path] + arguments).status == 0)
        #expect(try await FRSBinary.run(["detect"] + arguments).status == 0)

        let server = try TestServer(database: database)
        defer { server.stop() }
        let faces = try #require((try Curl.request("GET", server.baseURL + "/api/faces?unassigned=1").json() as? [String: Any])?["items"] as? [[String: Any]])
        // Jenny is alone in frames 0 and 5; the group from frame 10 on.
        #expect(faces.compactMap { $0["frame"] as? Int }.sorted() == [0, 5] + Array(repeating: 10, count: 6) + Array(repeating: 15, count: 6))
        let groupFace = try #require(faces.first { $0["frame"] as? Int == 15 })
        let frame = try Curl.request("GET", server.baseURL + "/faces/\(groupFace["id"] as! Int)/photo")
        #expect(frame.status == 200 && frame.headers["content-type"] == "image/jpeg")
        let picture = try Image(data: frame.body)
        #expect(picture.width == 640 && picture.height == 480, "the frame, not a photo")
        // The video itself is not sent whole.
        let video = try Curl.request("GET", server.baseURL + "/photos/\(groupFace["mediaFileId"] as! Int)")
        #expect(video.status == 404 && video.text.contains("is a video"), "\(video.status) \(video.text)")
    }

    @Test func formsAndAPIWritesRefuseCrossSiteRequests() async throws {
        try await withSeededLibrary(.sqlite) { database, library in
            let server = try TestServer(database: database)
            defer { server.stop() }
            let rename = server.baseURL + "/people/\(library.shaista)/rename"
            let form = ["Content-Type": "application/x-www-form-urlencoded"]

            let noToken = try Curl.request("POST", rename, headers: form, body: Data("name=Evil".utf8))
            #expect(noToken.status == 403 && noToken.text.contains("security token"), "\(noToken.text)")

            // A real session: cookie and CSRF token from the page.
            let page = try Curl.request("GET", server.baseURL + "/people/\(library.shaista)")
            let cookie = try #require(page.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
            let csrf = try #require(page.text.range(of: #"name="csrf" value=""#).map {
                String(page.text[$0.upperBound...].prefix { $0 != "\"" })
            })
            let session = form.merging(["Cookie": cookie]) { $1 }
            let crossSite = try Curl.request("POST", rename, headers: session.merging(["Sec-Fetch-Site": "cross-site"]) { $1 },
                                             body: Data("csrf=\(csrf)&name=Evil".utf8))
            #expect(crossSite.status == 403)
            let otherOrigin = try Curl.request("POST", rename, headers: session.merging(["Origin": "http://evil.example"]) { $1 },
                                               body: Data("csrf=\(csrf)&name=Evil".utf8))
            #expect(otherOrigin.status == 403)
            let wrongToken = try Curl.request("POST", rename, headers: session, body: Data("csrf=0000&name=Evil".utf8))
            #expect(wrongToken.status == 403)
            let rebinding = try Curl.request("GET", server.baseURL + "/api/people", headers: ["Host": "evil.example"])
            #expect(rebinding.status == 403)
            // API writes with a form content type (what a cross-site form can send) are refused.
            let apiForm = try Curl.request("POST", server.baseURL + "/api/people/\(library.shaista)/rename",
                                           headers: ["Content-Type": "text/plain"], body: Data(#"{"name":"Evil"}"#.utf8))
            #expect(apiForm.status == 403)
            let store = try await database.openStore()
            #expect(try await store.person(id: library.shaista)?.name == "Unknown-3")
            try await store.close()

            let good = try Curl.request("POST", rename, headers: session.merging(["Origin": server.baseURL, "Sec-Fetch-Site": "same-origin"]) { $1 },
                                        body: Data("csrf=\(csrf)&name=Shaista+Lodhi".utf8))
            #expect(good.status == 303, "\(good.text)")
            let check = try await database.openStore()
            #expect(try await check.person(id: library.shaista)?.name == "Shaista Lodhi")
            try await check.close()
        }
    }

    @Test func jsonActions() async throws {
        try await withSeededLibrary(.sqlite) { database, library in
            let server = try TestServer(database: database)
            defer { server.stop() }
            let api = server.baseURL + "/api"
            let photo = try Data(contentsOf: Paths.seed.appendingPathComponent("Imran_Khan.jpg"))
            let search = try Curl.request("POST", api + "/search", headers: ["Content-Type": "image/jpeg"], body: photo)
            let found = try #require(try search.json() as? [[String: Any]], "\(search.text)")
            let best = found.compactMap { ($0["matches"] as? [[String: Any]])?.first }
                .max { ($0["score"] as? Double ?? 0) < ($1["score"] as? Double ?? 0) }
            #expect((best?["personId"] as? NSNumber)?.int64Value == library.imran && best?["isMatch"] as? Bool == true)

            let dry = try Curl.json("POST", api + "/people/\(library.shaista)/rename?dryRun=1", ["name": "Shaista"])
            let dryReport = try dry.json() as? [String: Any]
            #expect(dry.status == 200 && dryReport?["dryRun"] as? Bool == true)
            #expect(try Curl.json("POST", api + "/people/\(library.shaista)/rename", ["name": "Shaista"]).status == 200)
            let merge = try Curl.json("POST", api + "/people/merge", ["sources": [library.imran], "into": library.hamid])
            #expect(merge.status == 200, "\(merge.text)")
            let jenny = library.faces["Jenny.jpg"]!
            #expect(try Curl.json("POST", api + "/faces/move", ["faces": [jenny], "new": true, "name": "Jenny"]).status == 200)
            #expect(try Curl.json("POST", api + "/faces/unassign", ["faces": [jenny]]).status == 200)
            #expect(try Curl.json("POST", api + "/people/\(library.shaista)/hide", [String: String]()).status == 200)
            let missing = try Curl.json("POST", api + "/people/777777/hide", [String: String]())
            #expect(missing.status == 404 && missing.text.contains("777777"))
            let badBody = try Curl.json("POST", api + "/faces/move", ["faces": [jenny]])
            #expect(badBody.status == 400)
            let status = try #require(try Curl.request("GET", api + "/status").json() as? [String: Any])
            #expect(status["done"] as? Int == SeededLibrary.photos.count)
            #expect(status["persons"] as? Int == 3)
            let people = try #require((try Curl.request("GET", api + "/people?sort=name").json() as? [String: Any])?["items"] as? [[String: Any]])
            #expect(people.map { $0["name"] as? String } == ["Hamid Mir", "Jenny"])
            let hidden = try #require((try Curl.request("GET", api + "/people?hidden=1").json() as? [String: Any])?["items"] as? [[String: Any]])
            #expect(hidden.count == 3)
            #expect(try Curl.request("GET", api + "/faces?unassigned=1").status == 200)
            #expect(try Curl.request("GET", api + "/suggestions").status == 200)
        }
    }

    @Test func suggestionsGroupUnassignedFacesAndAcceptCreatesAPerson() async throws {
        try await withSeededLibrary(.sqlite) { database, library in
            let server = try TestServer(database: database)
            defer { server.stop() }
            let api = server.baseURL + "/api"
            // Deleting Hamid Mir leaves his two faces (0.83 similar) unassigned: one suggestion.
            #expect(try Curl.json("POST", api + "/people/\(library.hamid)/delete", [String: String]()).status == 200)
            let hamidFaces = Set(["Hamid_MIR.jpg", "hamidMir.jpg"].map { library.faces[$0]! })
            let suggestions = try #require((try Curl.request("GET", api + "/suggestions").json() as? [String: Any])?["items"] as? [[String: Any]])
            let groups = suggestions.map { ($0["faces"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value } }
            #expect(groups.contains { Set($0) == hamidFaces }, "\(groups)")
            let page = try Curl.request("GET", server.baseURL + "/faces/unassigned")
            #expect(page.text.contains("Accept as new person (2 faces)") && !page.text.contains("GRDB"))

            let accepted = try Curl.json("POST", api + "/suggestions/accept", ["faces": Array(hamidFaces), "name": "Hamid"] as [String: Any])
            let person = try #require(((try accepted.json() as? [String: Any])?["personId"] as? NSNumber)?.int64Value)
            let store = try await database.openStore()
            let faces = try await store.faces(person: person)
            #expect(Set(faces.map(\.id)) == hamidFaces && faces.allSatisfy(\.isUserVerified))
            #expect(try await store.person(id: person)?.name == "Hamid")
            try await store.close()
            let again = try Curl.json("POST", api + "/suggestions/accept", ["faces": Array(hamidFaces)])
            #expect(again.status == 409)
        }
    }

    /// POST /api/people/ID/birth-date: set, dry run, clear with null; impossible, future, malformed
    /// and missing values are 400 with the reason, and change nothing.
    @Test func birthDates() async throws {
        try await withSeededLibrary(.sqlite) { database, library in
            let server = try TestServer(database: database)
            defer { server.stop() }
            let url = server.baseURL + "/api/people/\(library.hamid)/birth-date"
            let set = try Curl.json("POST", url, ["birth_date": "1966-03-23"])
            #expect(set.status == 200 && set.text.contains("to 1966-03-23"), "\(set.text)")
            let person = try #require(try Curl.request("GET", server.baseURL + "/api/people/\(library.hamid)").json() as? [String: Any])
            #expect((person["person"] as? [String: Any])?["birthDate"] as? String == "1966-03-23")
            let dry = try Curl.json("POST", url + "?dryRun=1", ["birth_date": NSNull()])
            #expect(dry.status == 200 && dry.text.contains("would clear"))
            for (body, reason) in [(["birth_date": "1966-02-30"], "not a day of the calendar"), (["birth_date": "2999-01-01"], "in the future"),
                                   (["birth_date": "23.03.1966"], "YYYY-MM-DD"), (["birthdate": "1966-03-23"], "birth_date")] as [([String: Any], String)] {
                let refused = try Curl.json("POST", url, body)
                #expect(refused.status == 400 && refused.text.contains(reason), "\(body): \(refused.text)")
            }
            let wrongType = try Curl.json("POST", url, ["birth_date": 1966])
            #expect(wrongType.status == 400)
            #expect(try Curl.json("POST", server.baseURL + "/api/people/777777/birth-date", ["birth_date": "1966-03-23"]).status == 404)
            let store = try await database.openStore()
            #expect(try await store.person(id: library.hamid)?.birthDate == CalendarDay(year: 1966, month: 3, day: 23))
            try await store.close()
            #expect(try Curl.json("POST", url, ["birth_date": NSNull()]).status == 200)
            let cleared = try await database.openStore()
            #expect(try await cleared.person(id: library.hamid)?.birthDate == nil)
            try await cleared.close()
        }
    }
}

