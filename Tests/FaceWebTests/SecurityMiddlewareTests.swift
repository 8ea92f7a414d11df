import FRSTestSupport
import FacePipeline
import FaceStore
import FaceVision
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StoreTestSupport
import Testing
@testable import FaceWeb

/// The security middleware and the server's bounds, in process: the real router and middleware on a real
/// SQLite library, served by Hummingbird on a loopback port (HummingbirdTesting's live setup), so Host
/// headers, peer addresses and raw connections are the real thing.
@Suite("Security middleware in process", .serialized)
struct SecurityMiddlewareTests {
    static let token = "test-token-0123456789abcdef"

    /// A server on a fresh library (one person, "Jenny") until `body` returns.
    func withServer(token: String? = nil, uploadLimit: Int = WebConfiguration.defaultUploadLimit,
                    _ body: @Sendable @escaping (Served) async throws -> Void) async throws {
        let database = try await TestDatabase.make(.sqlite)
        do {
            try await withFaceStore(database.location) { store in
                let person = try await store.createPerson(name: "Jenny").id
                let configuration = WebConfiguration(token: token, dataDirectory: database.dataDirectory,
                                                     models: ModelStore(directory: SharedData.models), uploadLimit: uploadLimit)
                let server = try WebServer(configuration: configuration, store: store)
                try await server.application().test(.live) { client in
                    try await body(Served(client: client, port: try #require(client.port), person: person, database: database))
                }
            }
        } catch {
            await database.destroy()
            throw error
        }
        await database.destroy()
    }

    struct Served: Sendable {
        let client: any TestClientProtocol
        let port: Int
        let person: Int64
        let database: TestDatabase

        func get(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
            try await client.execute(uri: path, method: .get, headers: headers)
        }

        func post(_ path: String, headers: HTTPFields = [:], _ body: String) async throws -> TestResponse {
            try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        }

        func json(_ path: String, _ body: String) async throws -> TestResponse {
            try await post(path, headers: [.contentType: "application/json"], body)
        }

        /// A request with its own Host (HummingbirdTesting's client always says localhost).
        func request(_ path: String, host: String, headers: HTTPFields = [:]) async throws -> TestClient.Response {
            try await TestClient.withClient(host: "localhost", port: port) { client in
                try await client.execute(TestClient.Request(path, method: .get, authority: host, headers: headers))
            }
        }

        /// The message of an error response: the JSON's "error", or the page's text with its quotes unescaped.
        func message(_ response: TestResponse) -> String {
            let text = String(buffer: response.body)
            if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let error = object["error"] as? String {
                return error
            }
            return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
        }

        /// A page's session cookie ("frs_session=...") and the CSRF token of its forms.
        func session(_ path: String = "/") async throws -> (cookie: String, csrf: String) {
            let page = try await get(path)
            let cookie = try #require(page.headers[.setCookie]?.split(separator: ";").first.map(String.init), "no cookie from \(path)")
            let text = String(buffer: page.body)
            let csrf = try #require(text.range(of: #"name="csrf" value=""#).map { String(text[$0.upperBound...].prefix { $0 != "\"" }) })
            return (cookie, csrf)
        }
    }

    @Test("Host names that only start like a loopback address are refused (DNS rebinding)")
    func rebindingHostsAreRefused() async throws {
        try await withServer { served in
            for host in ["127.0.0.1.rebind.attacker.example:18080", "127.evil.example", "127.0.0.1.nip.io", "127.0.0.1.",
                         "localhost.attacker.example", "127.0.0.1:80x", "127.0.0.1:99999", "[::1].evil.example", "[::1]x",
                         "127.0.0.01", "127.0.0.1.2", "0x7f.0.0.1", "evil.example"] {
                let response = try await served.request("/api/people", host: host)
                #expect(response.status == .forbidden, "Host: \(host) got \(response.status)")
                #expect(!String(buffer: response.body ?? ByteBuffer()).contains("Jenny"), "Host: \(host) saw the persons")
            }
            for host in ["127.0.0.1:18080", "127.0.0.1", "127.1.2.3", "localhost", "localhost:8080", "[::1]", "[::1]:8080"] {
                let response = try await served.request("/api/people", host: host)
                #expect(response.status == .ok, "Host: \(host) got \(response.status)")
            }
        }
    }

    @Test("a request with two Host headers is refused")
    func twoHostHeadersAreRefused() async throws {
        try await withServer { served in
            // The client's own Host (localhost) comes first; this one is the second.
            let response = try await served.get("/api/people", headers: [HTTPField.Name("Host")!: "evil.example"])
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("more than one Host header"))
        }
    }

    @Test("HEAD answers wherever GET does, without a body")
    func headWorksWhereGetDoes() async throws {
        try await withServer { served in
            for path in ["/", "/api/status", "/api/people", "/people/\(served.person)", "/status", "/style.css"] {
                let head = try await served.client.execute(uri: path, method: .head)
                #expect(head.status == .ok, "HEAD \(path): \(head.status)")
                #expect(head.body.readableBytes == 0, "HEAD \(path) sent a body")
            }
            #expect(try await served.client.execute(uri: "/nowhere", method: .head).status == .notFound)
        }
    }

    @Test("every response carries the content security policy and anti-framing headers; pages have no inline code")
    func securityHeadersOnEveryResponse() async throws {
        try await withServer { served in
            for path in ["/", "/api/people", "/nowhere", "/api/nowhere", "/people/abc", "/style.css"] {
                let response = try await served.get(path)
                let policy = try #require(response.headers[.contentSecurityPolicy], "\(path) has no CSP")
                #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
            }
            let page = String(buffer: try await served.get("/people/\(served.person)").body)
            #expect(!page.contains("<style") && !page.contains("onsubmit="), "inline style or script would be blocked")
            #expect(page.contains(#"href="/style.css""#) && page.contains(#"data-confirm="#))
            let style = try await served.get("/style.css")
            #expect(style.headers[.contentType]?.hasPrefix("text/css") == true && String(buffer: style.body).contains(".grid"))
        }
    }

    @Test("bad query values get 400 naming the parameter")
    func badQueryValuesAreRefusedNamingTheParameter() async throws {
        try await withServer { served in
            let bad: [(path: String, parameter: String)] = [
                ("/api/faces?person=abc", "person"), ("/api/faces?person=-3", "person"), ("/api/faces?limit=-1", "limit"),
                ("/api/faces?limit=abc", "limit"), ("/api/faces?limit=0", "limit"), ("/api/faces?limit=99999999", "limit"),
                ("/api/people?after=1&after=2", "after"), ("/api/people?sort=id", "sort"), ("/api/merge-suggestions?limit=501", "limit"),
                ("/api/photos?with=1&sort=size", "sort"), ("/?sort=size", "sort"),
                ("/api/faces?unassigned=maybe", "unassigned"), ("/api/faces?person=1&person=2", "person"),
                ("/api/faces?personn=1", "personn"), ("/api/people?sort=size", "sort"), ("/api/people?hidden=yes", "hidden"),
                ("/api/people?sort=name&x=1", "x"), ("/api/status?verbose=1", "verbose"), ("/?hidden=2", "hidden"),
                ("/people/\(served.person)?page=2", "page"),
            ]
            for (path, parameter) in bad {
                let response = try await served.get(path)
                #expect(response.status == .badRequest, "\(path): \(response.status)")
                #expect(served.message(response).contains("\"\(parameter)\""), "\(path): \(served.message(response))")
            }
            let both = try await served.get("/api/faces?person=\(served.person)&unassigned=1")
            #expect(both.status == .badRequest && String(buffer: both.body).contains("not both"))
            let dry = try await served.json("/api/people/\(served.person)/rename?dryRun=maybe", #"{"name": "X"}"#)
            #expect(dry.status == .badRequest && served.message(dry).contains("\"dryRun\""), "\(served.message(dry))")
            let badId = try await served.get("/api/people/abc")
            #expect(badId.status == .badRequest && String(buffer: badId.body).contains("'abc'"))
            for good in ["/api/faces?person=\(served.person)&limit=5", "/api/faces?unassigned=1", "/api/people?sort=name&hidden=1",
                         "/?hidden=1", "/?msg=done"] {
                #expect(try await served.get(good).status == .ok, "\(good)")
            }
            let store = try await served.database.openStore()
            #expect(try await store.person(id: served.person)?.name == "Jenny", "the refused dry run changed nothing")
            try await store.close()
        }
    }

    @Test("a JSON body that does not fit says which field is wrong and what the endpoint takes")
    func jsonErrorsSayWhatIsWrong() async throws {
        try await withServer { served in
            let cases: [(path: String, body: String, says: [String])] = [
                ("/api/faces/move", #"{"faces": ["a"], "to": 1}"#, [#"field "faces[0]""#, "whole number"]),
                ("/api/people/merge", #"{"into": 1}"#, [#"field "sources""#, "missing"]),
                ("/api/people/\(served.person)/rename", #"{"name": null}"#, [#"field "name""#, "null"]),
                ("/api/people/\(served.person)/rename", #"{"name": "#, ["not valid JSON"]),
                ("/api/faces/unassign", #"[1, 2]"#, ["the body", "an object"]),
            ]
            for (path, body, says) in cases {
                let response = try await served.json(path, body)
                let text = served.message(response)
                #expect(response.status == .badRequest, "\(path) \(body): \(response.status)")
                for phrase in says { #expect(text.contains(phrase), "\(path) \(body): \(text)") }
                #expect(text.contains("this endpoint takes {"), "\(text)")
                for swiftism in ["DecodingError", "CodingKeys", "Context(", "Swift.", "Int64", "debugDescription"] {
                    #expect(!text.contains(swiftism), "\(path) \(body) leaks \(swiftism): \(text)")
                }
            }
        }
    }

    @Test("an error the client cannot act on is a plain 500 without its text")
    func internalErrorsDoNotLeakText() async throws {
        try await withServer { served in
            // Break the library under the server: every person query now fails inside SQLite.
            let queue = try DatabaseQueue(path: served.database.location)
            try await queue.write { try $0.execute(sql: #"ALTER TABLE "Persons" RENAME TO "Gone""#) }
            try queue.close()
            for path in ["/api/people", "/"] {
                let response = try await served.get(path)
                let text = String(buffer: response.body)
                #expect(response.status == .internalServerError, "\(path): \(response.status)")
                #expect(text.isEmpty, "\(path) leaked: \(text)")
            }
        }
    }

    @Test("a chunked upload over the limit gets 413 quoting the configured limit")
    func chunkedUploadOverTheLimitIs413() async throws {
        try await withServer(uploadLimit: 64 * 1024) { served in
            let url = "http://localhost:\(served.port)/api/search"
            let body = Data(repeating: 0xFF, count: 100 * 1024)
            let chunked = try Curl.request("POST", url, headers: ["Content-Type": "image/jpeg", "Transfer-Encoding": "chunked"], body: body)
            #expect(chunked.status == 413, "\(chunked.status) \(chunked.text)")
            #expect(chunked.text.contains("the limit is 64 KB"), "\(chunked.text)")
            let declared = try Curl.request("POST", url, headers: ["Content-Type": "image/jpeg"], body: body)
            #expect(declared.status == 413 && declared.text.contains("the limit is 64 KB"), "\(declared.text)")
            let page = String(buffer: try await served.get("/search").body)
            #expect(page.contains("up to 64 KB"), "the search page quotes the configured limit")
        }
    }

    @Test("clients without cookies do not push out a browser's session")
    func cookielessRequestsDoNotEvictBrowserSessions() async throws {
        try await withServer { served in
            let (cookie, csrf) = try await served.session("/people/\(served.person)")
            // The browser comes back with its cookie (a second page), as browsers do.
            #expect(try await served.get("/", headers: [.cookie: cookie]).headers[.setCookie] == nil)

            let api = try await served.get("/api/people")
            #expect(api.headers[.setCookie] == nil, "API calls get no session")
            #expect(try await served.get("/thumbnails/1.jpg").headers[.setCookie] == nil, "nor do thumbnails")
            // More cookie-less requests than the store holds sessions, for the API and for pages.
            for index in 0..<10_050 {
                _ = try await served.get(index.isMultiple(of: 5) ? "/nowhere" : "/api/nowhere")
            }
            let rename = try await served.post("/people/\(served.person)/rename",
                                               headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                                               "csrf=\(csrf)&name=Jenny+Lind")
            #expect(rename.status == .seeOther, "the form still works: \(String(buffer: rename.body))")
            let store = try await served.database.openStore()
            #expect(try await store.person(id: served.person)?.name == "Jenny Lind")
            try await store.close()
        }
    }

    @Test("one client address cannot push out another's sessions, and logged-in sessions outlast the rest")
    func sessionBoundsPerClient() async throws {
        let store = SessionStore()
        let browser = await store.create(client: "10.0.0.2")
        #expect(await store.session(id: browser.id) != nil)
        let loggedIn = await store.logIn(replacing: nil, client: "10.0.0.1")
        // One address returns the cookies of more sessions than it may keep, and ignores many more.
        var returned: [String] = []
        for _ in 0..<(SessionStore.perClientCapacity + 20) {
            let session = await store.create(client: "10.0.0.1")
            returned.append(session.id)
            _ = await store.session(id: session.id)
        }
        for _ in 0..<(SessionStore.unreturnedCapacity + 500) { _ = await store.create(client: "10.0.0.1") }
        #expect(await store.session(id: browser.id) != nil, "another address's session survives")
        #expect(await store.session(id: loggedIn.id)?.isAuthenticated == true, "a logged-in session survives")
        #expect(await store.session(id: returned[0]) == nil, "the flooding address lost its own oldest")
        #expect(await store.session(id: returned.last!) != nil)
    }

    @Test("logging in gives a new session id, and wrong tokens are rate limited")
    func loginRotatesTheSessionAndIsRateLimited() async throws {
        try await withServer(token: Self.token) { served in
            let (before, csrf) = try await served.session("/login")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: before]
            let login = try await served.post("/login", headers: form, "csrf=\(csrf)&token=\(Self.token)")
            #expect(login.status == .seeOther)
            let after = try #require(login.headers[.setCookie], "a new cookie at login")
            #expect(after.contains("HttpOnly") && after.contains("SameSite=Strict"))
            let cookie = String(after.prefix { $0 != ";" })
            #expect(cookie != before, "the session id changes at login")
            #expect(try await served.get("/", headers: [.cookie: cookie]).status == .ok)
            let planted = try await served.get("/", headers: [.cookie: before])
            #expect(planted.status == .seeOther, "the id from before the login is worth nothing now")

            // Five wrong tokens, then even the right one waits.
            for _ in 0..<5 {
                let (other, otherCSRF) = try await served.session("/login")
                let wrong = try await served.post("/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: other],
                                                  "csrf=\(otherCSRF)&token=wrong-token-00000000000")
                #expect(wrong.status == .unauthorized)
            }
            let (last, lastCSRF) = try await served.session("/login")
            let limited = try await served.post("/login", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: last],
                                                "csrf=\(lastCSRF)&token=\(Self.token)")
            #expect(limited.status == .tooManyRequests, "\(limited.status)")
            #expect(limited.headers[.retryAfter] != nil && String(buffer: limited.body).contains("wait"))
            let bearer = try await served.get("/api/people", headers: [.authorization: "Bearer another-wrong-token-000"])
            #expect(bearer.status == .tooManyRequests, "bearer guesses count too: \(bearer.status)")
        }
    }

    @Test("session cookies are Secure behind an HTTPS proxy on this machine")
    func secureCookieBehindAnHTTPSProxy() async throws {
        try await withServer { served in
            let proxied = try await served.get("/", headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            let cookie = try #require(proxied.headers[.setCookie])
            #expect(cookie.contains("; Secure"), "\(cookie)")
            let plain = try #require(try await served.get("/").headers[.setCookie])
            #expect(!plain.contains("Secure"), "plain HTTP cookies cannot be Secure, or the browser drops them: \(plain)")
        }
    }

    @Test("request bodies held at once are bounded: past the budget a POST gets 503")
    func bodyMemoryIsBounded() async throws {
        try await withServer(uploadLimit: 1024) { served in
            // Chunked uploads that stall: each holds a whole upload limit of the budget while it waits.
            var stalled: [RawConnection] = []
            for _ in 0..<WebConfiguration(dataDirectory: served.database.dataDirectory, models: ModelStore(directory: SharedData.models)).concurrentUploads {
                let connection = try RawConnection(host: "localhost", port: served.port)
                try connection.send("""
                    POST /api/search HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n\
                    Transfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n
                    """)
                stalled.append(connection)
            }
            try await Task.sleep(for: .milliseconds(500))
            let refused = try await served.client.execute(uri: "/api/search", method: .post, headers: [.contentType: "image/jpeg"],
                                                          body: ByteBuffer(string: "0123456789"))
            #expect(refused.status == .serviceUnavailable, "\(refused.status)")
            #expect(String(buffer: refused.body).contains("too many uploads") && refused.headers[.retryAfter] != nil)
            // Ending the stalled uploads gives the budget back.
            for connection in stalled {
                try connection.send("0\r\n\r\n")
                _ = connection.read(until: "\r\n\r\n", timeout: 30)
            }
            let accepted = try await served.client.execute(uri: "/api/search", method: .post, headers: [.contentType: "image/jpeg"],
                                                           body: ByteBuffer(string: "0123456789"))
            #expect(accepted.status == .badRequest, "a junk image, decoded and refused: \(accepted.status)")
        }
    }

    @Test("concurrent searches are bounded: one decodes at a time, a few wait, the rest get 503 at once")
    func concurrentSearchesAreBounded() async throws {
        let photo = try Data(contentsOf: Paths.seed.appendingPathComponent("Imran_Khan.jpg"))
        try await withServer { served in
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await TestClient.withClient(host: "localhost", port: served.port, configuration: .init(timeout: .seconds(300))) { client in
                            let response = try await client.execute(TestClient.Request(
                                "/api/search", method: .post, authority: "localhost", headers: [.contentType: "image/jpeg"],
                                body: ByteBuffer(bytes: photo)))
                            return (response.status, String(buffer: response.body ?? ByteBuffer()))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let busy = statuses.filter { $0.0 == .serviceUnavailable }
            let done = statuses.filter { $0.0 == .ok }
            #expect(busy.count + done.count == 12, "\(statuses)")
            #expect(busy.count >= 12 - 1 - 4, "at most one running and four waiting: \(statuses.map(\.0))")
            #expect(busy.allSatisfy { $0.1.contains("busy") }, "\(busy)")
            #expect(!done.isEmpty)
        }
    }
}
