import Foundation

/// Life cycle of a `MediaItems` row. A row that is being worked on stays `pending`
/// and carries a lease (`LeaseOwner`/`LeaseExpiresAt`); an expired lease makes it claimable again.
public enum ItemStatus: String, Sendable, Equatable {
    case pending
    case done
    case failed
}

/// A `MediaItems` row as a worker sees it.
public struct WorkItem: Sendable, Equatable {
    public var id: Int64
    public var mediaFileId: Int64
    public var path: String
    public var name: String?
    public var frameNumber: Int?
    public var kind: MediaKind?
    public var attempts: Int
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
}

/// A media item that failed, with the reason stored for it.
public struct FailedItem: Sendable, Equatable {
    public var itemId: Int64
    public var path: String
    public var error: String
    public var attempts: Int
}

/// Items per state. `leased` are pending items whose lease has not expired yet.
public struct StatusCounts: Sendable, Equatable {
    public var pending = 0
    public var leased = 0
    public var done = 0
    public var failed = 0

    public init(pending: Int = 0, leased: Int = 0, done: Int = 0, failed: Int = 0) {
        self.pending = pending
        self.leased = leased
        self.done = done
        self.failed = failed
    }

    public var total: Int { pending + leased + done + failed }
}
