import Foundation

/// Photos are decoded to full size (up to `Image.maxPixels`, 150 Mpx: 450 MB of pixels) before faces are
/// found or a box is drawn, so these runs are bounded, not the requests: `running` at once (the models run
/// one at a time anyway) and `waiting` queued behind them; one more is refused with 503 at once, before
/// its photo is decoded. Queued requests hold only their compressed upload (bounded by `BodyBudget`).
actor ImageWorkQueue {
    let running: Int
    let waiting: Int
    private var active = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    init(running: Int = 1, waiting: Int = 4) {
        self.running = running
        self.waiting = waiting
    }

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if active >= running {
            guard queue.count < waiting else { throw WebError.busy("""
                the server is busy with other photos (\(running) being worked on, \(waiting) waiting): try again \
                in a few seconds
                """) }
            await withCheckedContinuation { queue.append($0) }
        } else {
            active += 1
        }
        defer {
            // Hand the slot straight to the next in line, so `active` never drops below what is running.
            if queue.isEmpty { active -= 1 } else { queue.removeFirst().resume() }
        }
        return try await work()
    }
}

/// Bounds the request bodies held in memory at once: a POST reserves its `Content-Length` (or the whole
/// upload limit when it is sent chunked, without one) before its body is read, and gives it back when its
/// response is ready. When the budget is spent, the next POST gets 503 instead of more memory.
actor BodyBudget {
    let capacity: Int
    private var reserved = 0

    init(capacity: Int) { self.capacity = capacity }

    func reserve(_ bytes: Int) -> Bool {
        guard reserved + bytes <= capacity else { return false }
        reserved += bytes
        return true
    }

    func release(_ bytes: Int) { reserved -= bytes }
}

/// Refuses token guesses (wrong `/login` tokens and wrong bearer tokens alike) once a client has made
/// `attempts` of them within `window`, until the oldest of them is older than `window`. Remembers at most
/// `clients` addresses, forgetting those whose failures are oldest.
actor LoginThrottle {
    let attempts: Int
    let window: Duration
    let clients: Int
    private var failures: [String: [ContinuousClock.Instant]] = [:]
    private let clock = ContinuousClock()

    init(attempts: Int = 5, window: Duration = .seconds(60), clients: Int = 10_000) {
        self.attempts = attempts
        self.window = window
        self.clients = clients
    }

    /// nil when the client may try; otherwise how long it must wait.
    func wait(for client: String) -> Duration? {
        let recent = prune(client)
        guard recent.count >= attempts, let oldest = recent.first else { return nil }
        return window - (clock.now - oldest)
    }

    func failed(_ client: String) {
        var recent = prune(client)
        recent.append(clock.now)
        failures[client] = recent
        if failures.count > clients {
            let stalest = failures.min { ($0.value.last ?? clock.now) < ($1.value.last ?? clock.now) }
            if let stalest { failures[stalest.key] = nil }
        }
    }

    private func prune(_ client: String) -> [ContinuousClock.Instant] {
        let now = clock.now
        let recent = (failures[client] ?? []).filter { now - $0 < window }
        failures[client] = recent.isEmpty ? nil : recent
        return recent
    }
}
