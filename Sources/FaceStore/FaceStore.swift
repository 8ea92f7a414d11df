import Foundation
import Logging

/// The storage layer of frs: media, work queue, faces, embeddings and persons in SQL.
///
/// Three implementations share the schema and the behaviour: `SQLiteStore` (one file, the default),
/// `PostgresStore` and `SQLServerStore` (shared by many worker processes on several machines).
/// Every method is safe to call from many tasks and many processes at once; all
/// multi-row changes happen in one transaction. Errors are `FaceStoreError`.
public protocol FaceStore: Sendable {
    var backend: StoreBackend { get }
    /// How `complete` names the thumbnails of new faces (`Faces.Name`); the files on disk must
    /// use the same names.
    var thumbnailNaming: ThumbnailNaming { get }

    // MARK: Life cycle

    /// Creates or upgrades the schema; safe to run repeatedly and from several processes at once.
    func migrate() async throws
    /// Highest applied migration version, 0 for an empty database.
    func schemaVersion() async throws -> Int
    func close() async throws

    // MARK: Media (`frs add`)

    /// Inserts or refreshes a file by path. See `AddOutcome` for what happens in each case.
    func addMedia(_ info: MediaFileInfo) async throws -> AddOutcome
    func mediaFile(path: String) async throws -> MediaFile?
    /// Every file with this content hash, so a caller can notice one content under several paths.
    func mediaFiles(contentHash: String) async throws -> [MediaFile]
    /// Records when a file was taken (nil: the file does not say) and that its date has been read
    /// (`MediaFile.captureTimeRead`): how `frs add` fills in dates of files added before frs read them.
    func setCaptureTime(mediaFile: Int64, _ time: CaptureTime?) async throws
    /// When the photo or video of each face was taken, for the faces whose file says (`BirthDateRule`).
    func captureTimes() async throws -> [Int64: CaptureTime]

    // MARK: Work queue

    /// Leases up to `limit` claimable items to `owner`, oldest first, and counts an attempt on each.
    /// Claimable: pending (or untouched legacy rows: `Status` NULL and not extracted) whose lease is
    /// absent or expired; failed ones too when `retryFailed`.
    func claim(owner: String, limit: Int, leaseSeconds: Double, retryFailed: Bool) async throws -> [WorkItem]
    /// Owners of unexpired leases on pending items, with how many items each holds.
    func leaseOwners() async throws -> [String: Int]
    /// Ends every lease `owner` holds on pending items (a worker known to be dead), so that they are
    /// claimable at once instead of when the lease expires. Returns how many were released.
    func releaseLeases(owner: String) async throws -> Int
    /// Extends a lease this owner still holds; throws `.leaseLost` otherwise.
    func renewLease(item: Int64, owner: String, leaseSeconds: Double) async throws
    /// In one transaction: checks the lease, replaces the item's faces with `faces`, marks it done.
    /// Returns the new face ids in the order of `faces`; `Faces.Name` already holds the thumbnail
    /// name for each id, and the caller writes the thumbnail files after this returns.
    /// Throws `.leaseLost` (writing nothing) when the item is no longer leased by `owner` or is done.
    /// Thumbnails are written after the commit because their names come from the new ids; if the
    /// process dies in between, the faces exist without files: compare `faces(item:)` thumbnail names
    /// with the disk and re-render the missing ones (ids are never reused, so a name never goes stale).
    func complete(item: Int64, owner: String, faces: [NewFace]) async throws -> [Int64]
    /// Marks a leased item failed with an error text (kept short); throws `.leaseLost` like `complete`.
    func fail(item: Int64, owner: String, error: String) async throws
    func statusCounts() async throws -> StatusCounts
    /// Makes every failed item pending again (for `--retry-failed`); returns how many.
    func requeueFailed() async throws -> Int
    /// Failed items with their reasons, oldest first.
    func failedItems(limit: Int) async throws -> [FailedItem]
    /// Read-only view of what `claim` would pick (no lease taken): for dry runs and listings.
    func itemsNeedingWork(limit: Int, includeFailed: Bool) async throws -> [WorkItem]

    // MARK: Faces and embeddings

    func faces(item: Int64) async throws -> [StoredFace]
    func faces(person: Int64) async throws -> [StoredFace]
    /// Faces with an id above `afterFaceId` that `selection` picks, by id, with their media path,
    /// frame and thumbnail name: page with the last id seen. Callers use `faces(afterFaceId:limit:)`,
    /// `facesWithoutEmbedding` and `facesEmbedded(model:afterFaceId:limit:)`.
    func faceLocations(afterFaceId: Int64, limit: Int, selection: FaceSelection) async throws -> [FaceLocation]
    /// Stores a batch of embeddings in one transaction.
    func setEmbeddings(_ updates: [EmbeddingUpdate]) async throws
    /// Every stored embedding (optionally of one model), for matching and clustering.
    func embeddings(model: String?) async throws -> [StoredEmbedding]
    /// Changes whenever the assigned, embedded faces may have: a server keeps them between searches
    /// and reloads only when this differs.
    func assignmentVersion() async throws -> AssignmentVersion
    func setVerified(faces: [Int64], verified: Bool) async throws

    // MARK: Persons

    /// A new person with the next stable number. Without a name it is called `Unknown-N` and not
    /// user-named; with a name it is user-named. With `faces`, they are moved to it as `assign`
    /// does, in the same transaction: a user's "move to a new person" never leaves an empty person.
    func createPerson(name: String?, faces: [Int64], reason: AssignmentReason, actor: String, verified: Bool?) async throws -> Person
    func person(id: Int64) async throws -> Person?
    func persons(includeHidden: Bool) async throws -> [PersonSummary]
    /// Every person, hidden ones too, without counts: cheap, for looking up names.
    func allPersons() async throws -> [Person]
    /// Moves faces to `person` (nil: unassign) in one transaction, writing a history row per face that
    /// actually moves. `verified`, when given, sets the faces' `IsUserVerified` in that transaction:
    /// a user's move is confirmed with it or not at all (a move left unconfirmed could be undone by
    /// the next `recluster --full`).
    func assign(faces: [Int64], to person: Int64?, reason: AssignmentReason, actor: String, verified: Bool?) async throws
    /// Sets the name and marks the person user-named.
    func rename(person: Int64, to name: String) async throws
    func setHidden(person: Int64, hidden: Bool) async throws
    /// Sets or (nil) clears the birth date: faces from photos taken before it are never given to the
    /// person by machine (`BirthDateRule`).
    func setBirthDate(person: Int64, _ day: CalendarDay?) async throws
    /// Uses one of the person's faces (and its media file) as portrait.
    func setPortrait(person: Int64, face: Int64) async throws
    /// Moves every face of `sources` to `target` (history reason `merge`) and deletes the sources.
    /// The target's name afterwards follows `Person.nameDonor(target:sources:)`.
    func merge(_ sources: [Int64], into target: Int64, actor: String) async throws
    /// Deletes a person; its faces become unassigned and unconfirmed (history reason `delete`), in one
    /// transaction: they are the machine's again. Its number is not reused.
    func deletePerson(_ id: Int64, actor: String) async throws
    /// History of one face, oldest first.
    func assignments(face: Int64) async throws -> [FaceAssignment]

    // MARK: Recognition

    /// Runs `body` while this process holds the library's recognition lock, so that one matching and
    /// clustering run changes persons at a time: two at once would each create persons for the same
    /// unassigned faces. When another process (or another store in this one) holds the lock,
    /// `waiting` is called once and this waits until the holder is done. The lock dies with its
    /// holder: a process killed with SIGKILL releases it.
    func withRecognitionLock<T: Sendable>(waiting: @Sendable () -> Void, _ body: @Sendable () async throws -> T) async throws -> T

    // MARK: "Not this person"

    /// Records that each face is not `person` and, for those still assigned to it, unassigns them
    /// (and clears their confirmation), in one transaction. Each face gets a history row with
    /// reason `reject`, from `person` to where the face is afterwards. Matching, clustering and
    /// full reclusters never give a rejected face to that person again.
    func reject(faces: [Int64], from person: Int64, actor: String) async throws
    /// The user put these faces in `person` after all: their rejections of it are forgotten.
    func forgetRejections(faces: [Int64], person: Int64) async throws
    /// Every rejection, oldest first.
    func rejections() async throws -> [FaceRejection]
}

extension FaceStore {
    public func claim(owner: String, limit: Int, leaseSeconds: Double) async throws -> [WorkItem] {
        try await claim(owner: owner, limit: limit, leaseSeconds: leaseSeconds, retryFailed: false)
    }

    /// A new person without faces.
    public func createPerson(name: String?) async throws -> Person {
        try await createPerson(name: name, faces: [], reason: .user, actor: "", verified: nil)
    }

    /// `assign` that leaves `IsUserVerified` as it is (the machine's moves).
    public func assign(faces: [Int64], to person: Int64?, reason: AssignmentReason, actor: String) async throws {
        try await assign(faces: faces, to: person, reason: reason, actor: actor, verified: nil)
    }

    public func embeddings() async throws -> [StoredEmbedding] {
        try await embeddings(model: nil)
    }

    /// Faces with a NULL embedding, a page after `afterFaceId` (what `frs embed` works through).
    public func facesWithoutEmbedding(afterFaceId: Int64, limit: Int) async throws -> [FaceLocation] {
        try await faceLocations(afterFaceId: afterFaceId, limit: limit, selection: .withoutEmbedding)
    }

    /// Faces embedded by `model`, a page after `afterFaceId` (what `frs embed` re-embeds after a model change).
    public func facesEmbedded(model: String, afterFaceId: Int64, limit: Int) async throws -> [FaceLocation] {
        try await faceLocations(afterFaceId: afterFaceId, limit: limit, selection: .embedded(model: model))
    }

    /// Every face, a page after `afterFaceId` (thumbnail repair, exports).
    public func faces(afterFaceId: Int64, limit: Int) async throws -> [FaceLocation] {
        try await faceLocations(afterFaceId: afterFaceId, limit: limit, selection: .all)
    }

    /// Every face in id order, handed to `body` a page at a time (thumbnail repair, exports,
    /// evaluations): memory stays bounded however large the library.
    public func forEachFacePage(size: Int = 2000, _ body: ([FaceLocation]) async throws -> Void) async throws {
        var last: Int64 = 0
        while true {
            let page = try await faces(afterFaceId: last, limit: size)
            guard let tail = page.last else { return }
            last = tail.faceId
            try await body(page)
        }
    }
}
