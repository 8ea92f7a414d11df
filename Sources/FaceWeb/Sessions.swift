import Foundation

/// A browser session: the CSRF token its forms carry, and whether it logged in with the server token.
struct Session: Sendable {
    let id: String
    let csrfToken: String
    var isAuthenticated: Bool
}

/// Sessions live in memory only: a restart logs everyone out, which is fine for a personal server.
actor SessionStore {
    private var sessions: [String: Session] = [:]
    /// Bounds memory when a client keeps arriving without cookies.
    private let capacity = 10_000

    func session(id: String?) -> Session? { id.flatMap { sessions[$0] } }

    func create() -> Session {
        if sessions.count >= capacity {
            // Forget sessions that never logged in first; they only cost a reload of the form.
            sessions = sessions.filter(\.value.isAuthenticated)
            if sessions.count >= capacity { sessions.removeAll() }
        }
        let session = Session(id: Self.randomToken(), csrfToken: Self.randomToken(), isAuthenticated: false)
        sessions[session.id] = session
        return session
    }

    func authenticate(_ id: String) -> Session? {
        sessions[id]?.isAuthenticated = true
        return sessions[id]
    }

    /// 256 random bits as hex; SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

/// Compares secrets in time that does not depend on where they first differ.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for i in 0..<min(x.count, y.count) { difference |= x[i] ^ y[i] }
    return difference == 0
}
