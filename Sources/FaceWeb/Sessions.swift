import Foundation

/// A browser session: the CSRF token its forms carry, and whether it logged in with the server token.
struct Session: Sendable {
    let id: String
    let csrfToken: String
    var isAuthenticated: Bool
    /// The client address it was created for (see `WebContext.client`).
    let client: String
    /// Its cookie came back at least once: a real browser, not a client that ignores cookies.
    var isReturned = false
    /// Creation order, for evicting the oldest first.
    let serial: UInt64
}

/// Sessions live in memory only: a restart logs everyone out, which is fine for a personal server.
///
/// Only page requests without a valid cookie create one (API calls, thumbnails and photos never do), and
/// their memory is bounded in tiers, so that clients which never send a cookie back cannot push out the
/// session of a browser that does:
/// - sessions whose cookie never came back: at most `unreturnedCapacity`, the oldest forgotten first;
/// - sessions whose cookie came back, per client address: at most `perClientCapacity` not logged in, the
///   client's oldest forgotten first (one address cannot push out everyone else's);
/// - in all: at most `capacity`; sessions that logged in are forgotten only when nothing else is left.
actor SessionStore {
    private var sessions: [String: Session] = [:]
    /// Unreturned sessions in creation order; entries that came back or are gone are skipped on eviction.
    private var unreturned: [String] = []
    private var unreturnedHead = 0
    private var unreturnedCount = 0
    private var serial: UInt64 = 0

    static let unreturnedCapacity = 1_000
    static let perClientCapacity = 100
    static let capacity = 10_000

    /// The session whose cookie this is; its cookie having come back marks it as a browser's.
    func session(id: String?) -> Session? {
        guard let id, var session = sessions[id] else { return nil }
        if !session.isReturned {
            session.isReturned = true
            sessions[id] = session
            unreturnedCount -= 1
            let ofClient = sessions.values.filter { $0.client == session.client && $0.isReturned && !$0.isAuthenticated }
            if ofClient.count > Self.perClientCapacity,
               let oldest = ofClient.filter({ $0.id != id }).min(by: { $0.serial < $1.serial }) {
                remove(oldest.id)
            }
        }
        return session
    }

    func create(client: String) -> Session {
        if unreturnedCount >= Self.unreturnedCapacity { evictOldestUnreturned() }
        if sessions.count >= Self.capacity {
            let oldest = sessions.values.filter { !$0.isAuthenticated }.min { $0.serial < $1.serial }
                ?? sessions.values.min { $0.serial < $1.serial }
            if let oldest { remove(oldest.id) }
        }
        return insert(Session(id: Self.randomToken(), csrfToken: Self.randomToken(), isAuthenticated: false,
                              client: client, serial: nextSerial()))
    }

    /// A successful login: the old session is dropped and a new one, logged in, takes its place, with a
    /// new id and CSRF token, so an id planted in the browser before the login (fixation) is worth nothing.
    func logIn(replacing id: String?, client: String) -> Session {
        if let id { remove(id) }
        var session = Session(id: Self.randomToken(), csrfToken: Self.randomToken(), isAuthenticated: true,
                              client: client, serial: nextSerial())
        session.isReturned = true
        if sessions.count >= Self.capacity, let oldest = sessions.values.min(by: { $0.serial < $1.serial }) { remove(oldest.id) }
        return insert(session)
    }

    private func insert(_ session: Session) -> Session {
        sessions[session.id] = session
        if !session.isReturned {
            unreturned.append(session.id)
            unreturnedCount += 1
            // Ids that came back stay in the queue until popped: compact it before it outgrows the sessions.
            if unreturned.count - unreturnedHead > 2 * Self.unreturnedCapacity {
                unreturned = unreturned[unreturnedHead...].filter { sessions[$0]?.isReturned == false }
                unreturnedHead = 0
            }
        }
        return session
    }

    private func remove(_ id: String) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        if !session.isReturned { unreturnedCount -= 1 }
    }

    private func evictOldestUnreturned() {
        while unreturnedHead < unreturned.count {
            let id = unreturned[unreturnedHead]
            unreturnedHead += 1
            if let session = sessions[id], !session.isReturned {
                remove(id)
                break
            }
        }
        if unreturnedHead > Self.unreturnedCapacity {
            unreturned.removeFirst(unreturnedHead)
            unreturnedHead = 0
        }
    }

    private func nextSerial() -> UInt64 {
        serial += 1
        return serial
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
