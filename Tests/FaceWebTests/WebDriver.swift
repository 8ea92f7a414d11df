import Foundation

/// A minimal W3C WebDriver client for chromedriver and headless Chromium (Debian's chromium and
/// chromium-driver packages), over curl like the API tests.
final class WebDriver: @unchecked Sendable {
    private let driver: ChildProcess
    private let base: String
    private let session: String
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            throw TestFailure("chromedriver is missing: apt-get install -y chromium chromium-driver (scripts/bootstrap does)")
        }
        let port = Int.random(in: 30_000..<60_000)
        driver = try ChildProcess(URL(fileURLWithPath: "/usr/bin/chromedriver"), ["--port=\(port)"])
        _ = try driver.waitForLine(containing: "started successfully")
        base = "http://127.0.0.1:\(port)"
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": [
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"],
        ]]]]
        let created = try Self.call(base, "POST", "/session", capabilities)
        guard let id = (created as? [String: Any])?["sessionId"] as? String else {
            throw TestFailure("chromedriver did not start a session: \(String(describing: created))")
        }
        session = id
    }

    func quit() {
        _ = try? Self.call(base, "DELETE", "/session/\(session)", nil)
        driver.stop()
    }

    func open(_ url: String) throws { _ = try command("POST", "/url", ["url": url]) }

    var source: String { get throws { try command("GET", "/source", nil) as? String ?? "" } }
    var currentURL: String { get throws { try command("GET", "/url", nil) as? String ?? "" } }

    func element(_ css: String) throws -> String {
        let found = try command("POST", "/element", ["using": "css selector", "value": css])
        guard let id = (found as? [String: Any])?[Self.elementKey] as? String else { throw TestFailure("no element \(css)") }
        return id
    }

    func click(_ css: String) throws { _ = try command("POST", "/element/\(try element(css))/click", [:]) }

    func type(_ css: String, _ text: String) throws {
        let id = try element(css)
        _ = try command("POST", "/element/\(id)/clear", [:])
        _ = try command("POST", "/element/\(id)/value", ["text": text])
    }

    /// Presses keys on the page itself (not in a field), as a keyboard shortcut is pressed.
    func press(_ keys: String) throws {
        let strokes = keys.map(String.init).flatMap { [["type": "keyDown", "value": $0], ["type": "keyUp", "value": $0]] }
        _ = try command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": strokes]]])
    }

    /// Sets a field's value as a script would: for fields whose typing depends on the browser's
    /// locale (a date field's keystrokes follow its display format).
    func setValue(_ css: String, _ value: String) throws {
        _ = try command("POST", "/execute/sync", ["script": "arguments[0].value = arguments[1]; return 1;",
                                                  "args": [[Self.elementKey: try element(css)], value]])
    }

    /// Every element matching `css`, in page order.
    func elements(_ css: String) throws -> [String] {
        let found = try command("POST", "/elements", ["using": "css selector", "value": css]) as? [[String: Any]] ?? []
        return found.compactMap { $0[Self.elementKey] as? String }
    }

    /// A picture of one element (scrolled into view first), as WebDriver's element screenshot takes it.
    func screenshot(element id: String, to url: URL) throws {
        _ = try command("POST", "/execute/sync", ["script": "arguments[0].scrollIntoView(); return 1;",
                                                  "args": [[Self.elementKey: id]]])
        guard let base64 = try command("GET", "/element/\(id)/screenshot", nil) as? String, let data = Data(base64Encoded: base64) else {
            throw TestFailure("no screenshot of element \(id)")
        }
        try data.write(to: url)
    }

    func screenshot(to url: URL) throws {
        guard let base64 = try command("GET", "/screenshot", nil) as? String, let data = Data(base64Encoded: base64) else {
            throw TestFailure("no screenshot")
        }
        try data.write(to: url)
    }

    private func command(_ method: String, _ path: String, _ body: Any?) throws -> Any? {
        try Self.call(base, method, "/session/\(session)" + path, body)
    }

    /// Sends one command; throws WebDriver's own error message when it reports one.
    private static func call(_ base: String, _ method: String, _ path: String, _ body: Any?) throws -> Any? {
        let result = try body.map { try Curl.json(method, base + path, $0) } ?? Curl.request(method, base + path)
        let object = try? JSONSerialization.jsonObject(with: result.body, options: .fragmentsAllowed) as? [String: Any]
        if result.status != 200 {
            let error = (object?["value"] as? [String: Any])?["message"] as? String ?? result.text
            throw TestFailure("WebDriver \(method) \(path): \(result.status) \(error)")
        }
        return object?["value"]
    }
}
