import Foundation

// Decisions both backends make the same way, kept out of the SQL so they cannot drift apart.

/// The change-detection columns of a stored `MediaFile` row.
struct StoredMetadata {
    enum Decision {
        case same, changed, legacy
        /// The same size and content hash under a new mtime (copied back from a backup, `touch`ed,
        /// synced by a tool that does not keep times): the metadata is refreshed, the faces and the
        /// user's work on them are kept.
        case touched
    }

    var size: Int64?
    /// Seconds since 1970, stored as a double so it round-trips exactly (timestamp types would round).
    var mtime: Double?
    var hash: String?

    func compare(with info: MediaFileInfo) -> Decision {
        // A row written by the original system has none of these: fill them in, keep its faces.
        if size == nil && mtime == nil && hash == nil { return .legacy }
        guard size == info.size, let hash, hash == info.contentHash else { return .changed }
        return mtime == info.mtime.timeIntervalSince1970 ? .same : .touched
    }
}

/// The lease columns of a `MediaItems` row, read inside the transaction that wants to finish it.
struct LeaseCheck {
    var status: String?
    var leaseOwner: String?
    var isFacesExtracted: Bool

    func verify(owner: String, item: Int64, backend: StoreBackend) throws {
        let isDone = status == ItemStatus.done.rawValue || (status == nil && isFacesExtracted)
        let why: String?
        if isDone {
            why = "item is already done"
        } else if leaseOwner == nil {
            why = "item is not leased (re-queued, failed or never claimed)"
        } else if leaseOwner != owner {
            why = "lease was taken over by another worker"
        } else {
            why = nil
        }
        if let why {
            throw FaceStoreError(.leaseLost, operation: "", backend: backend, id: item,
                                 detail: "\(why); owner '\(owner)'")
        }
    }
}

/// The counter row behind person numbers.
let personNumberCounter = "PersonNumber"

/// Statements without parameters that read the same on every backend.
enum PortableSQL {
    /// Index-only counts: a test of "Embedding IS NOT NULL" on every face would read every blob,
    /// while faces without one are few and sit in a partial index.
    /// Each count reads an index: `COUNT("PersonId") ... WHERE "Embedding" IS NULL` counts the assigned
    /// faces without an embedding through the (partial) backlog index; written as `"PersonId" IS NOT NULL
    /// AND ...`, SQLite walks the person index and reads every assigned face's row instead (400 ms at
    /// 80,000 assigned faces).
    static let assignmentVersion = """
        SELECT (SELECT COALESCE(MAX("Id"), 0) FROM "FaceAssignments"),
               (SELECT COALESCE(MAX("Id"), 0) FROM "Faces"),
               (SELECT COUNT(*) FROM "Faces" WHERE "PersonId" IS NOT NULL),
               (SELECT COUNT("PersonId") FROM "Faces" WHERE "Embedding" IS NULL),
               (SELECT COUNT(*) FROM "Faces" WHERE "Embedding" IS NULL)
        """
}

extension CaptureTime {
    /// From the `CapturedAt` and `CapturedUtcOffset` columns, as every backend reads them. An offset
    /// outside what exists on Earth is not trusted (the time is then taken as wall-clock time).
    static func stored(_ date: Date?, offset: Int?) -> CaptureTime? {
        guard let date else { return nil }
        return CaptureTime(date: date, utcOffsetMinutes: offset.flatMap { CaptureTime.offsetRange.contains($0) ? $0 : nil })
            ?? CaptureTime(date: date, utcOffsetMinutes: nil)
    }
}

extension CalendarDay {
    /// From a `BirthDate` column read as text; a value that is not a real day is treated as none.
    static func stored(_ text: String?) -> CalendarDay? {
        text.flatMap { CalendarDay(iso8601: String($0.prefix(10))) }
    }
}
