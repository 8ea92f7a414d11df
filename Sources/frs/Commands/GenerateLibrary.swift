import ArgumentParser
import FacePipeline
import FaceStore
import FaceVision
import Foundation

extension FRS {
    /// Hidden: a large library without large photo collections, for tests and benchmarks of the
    /// people pages (paging, query plans at 100,000 faces) on every database.
    struct GenerateLibrary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-library",
            abstract: "Fill an empty library with synthetic faces and persons copied from a real library (for tests and benchmarks).",
            discussion: """
            Each person gets a base: a source face's embedding, perturbed; its faces are the base perturbed \
            again (cosine about 0.8), with the source face's box, score, landmarks and thumbnail (hard-linked). \
            Person sizes are skewed like a real library's, photos hold 1-4 faces of different persons and are \
            symbolic links in DATA/synthetic to the source photos, with capture dates in 2000-2025 (one in ten \
            without). About 10% of the persons are named, 1% hidden. Faces are stored through the work queue, \
            like a worker stores them. The same seed and source give the same library.
            """,
            shouldDisplay: false
        )

        @Option(help: "How many faces to make.") var faces: Int
        @Option(help: "How many persons to make; each gets at least 3 faces.") var persons: Int
        @Option(help: ArgumentHelp("The real library to copy from: a SQLite file or a database URL.", valueName: "database"))
        var source: String
        @Option(help: ArgumentHelp("Its data directory, holding thumbnails/ (default: the folder of a SQLite --source).", valueName: "dir"))
        var sourceData: String?
        @Option(help: "Share of the faces left without a person.") var unassigned = 0.2
        @Option(help: "Random seed: the same seed gives the same library.") var seed: UInt64 = 1
        @OptionGroup var library: LibraryOptions
        @OptionGroup var dryRun: DryRunOption

        func validate() throws {
            guard faces > 0, persons > 0 else { throw ValidationError("--faces and --persons must be positive") }
            guard (0..<1).contains(unassigned) else { throw ValidationError("--unassigned is a share: at least 0, below 1") }
            let assigned = GenerationPlan.assignedCount(faces: faces, unassignedShare: unassigned)
            let needed = persons * GenerationPlan.minimumPersonSize
            guard assigned >= needed else {
                throw ValidationError("\(persons) persons need \(needed) faces with a person, but --faces \(faces) --unassigned \(unassigned) leaves \(assigned)")
            }
        }

        func run() async throws {
            let started = Date()
            let settings = try library.settings()
            library.bootstrapLogging(settings)
            if dryRun.dryRun {
                _ = try await library.withStore(settings, dryRun: true) { try await Self.requireEmpty($0, location: settings.database) }
                print("dry run: would generate \(try await makePlan().plan.summary)")
                return
            }
            _ = try await library.withStore(settings) { store in
                try await Self.requireEmpty(store, location: settings.database)
                let (plan, sourceLibrary) = try await makePlan()
                try await LibraryWriter(store: store, plan: plan, source: sourceLibrary, directory: settings.dataDirectory).write()
                print(String(format: "generated %@ in %.1f s", plan.summary, Date().timeIntervalSince(started)))
            }
        }

        func makePlan() async throws -> (plan: GenerationPlan, source: SourceLibrary) {
            let source = try await SourceLibrary.load(self.source, dataDirectory: try sourceDataDirectory())
            Console.status("source: \(source.faces.count) faces in \(source.photos.count) photos (\(source.skipped) left out)")
            return (GenerationPlan(faces: faces, persons: persons, unassignedShare: unassigned, seed: seed, source: source), source)
        }

        func sourceDataDirectory() throws -> DataDirectory {
            if let sourceData { return DataDirectory(root: URL(fileURLWithPath: sourceData)) }
            guard let path = try DatabaseLocation(source).sqlitePath else {
                throw ValidationError("--source-data is needed with a server database: the folder that holds its thumbnails/")
            }
            return DataDirectory(root: URL(fileURLWithPath: path).deletingLastPathComponent())
        }

        /// Synthetic faces mixed into a real library could not be told apart from real ones again.
        static func requireEmpty(_ store: any FaceStore, location: String) async throws {
            let items = try await store.statusCounts().total
            let persons = try await store.allPersons().count
            guard items == 0, persons == 0 else {
                throw ValidationError("""
                    the library at \(maskedURL(location)) already holds \(items) media items and \(persons) persons: \
                    generate into an empty one (a new --data-dir or --database)
                    """)
            }
        }
    }
}

/// Writes a `GenerationPlan` into an empty library the way `frs add` and a detection worker would:
/// media files, then claimed work items completed with faces, then persons.
struct LibraryWriter: Sendable {
    let store: any FaceStore
    let plan: GenerationPlan
    let source: SourceLibrary
    let directory: DataDirectory
    /// Where the photos' symbolic links go.
    let links: URL
    /// Shaped like a worker's (host:pid:tag:worker), so that `frs detect` releases the leases of a
    /// generator that died.
    let owner = "\(ProcessInfo.processInfo.hostName):\(getpid()):generate:0"
    /// Writes in flight at once: SQLite has one writer; a server store has a pool of connections
    /// (four by default) that concurrent transactions keep busy.
    let width: Int

    static let claimBatch = 256

    init(store: any FaceStore, plan: GenerationPlan, source: SourceLibrary, directory: DataDirectory) throws {
        self.store = store
        self.plan = plan
        self.source = source
        self.directory = directory
        links = directory.root.appendingPathComponent("synthetic", isDirectory: true)
        width = store.backend == .sqlite ? 1 : 4
        try directory.create()
        try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
    }

    func write() async throws {
        let items = try await addPhotos()
        let faceIds = try await addFaces(items: items)
        try await addPersons(faceIds: faceIds)
    }

    /// One media file per photo; returns the photo of each new work item.
    func addPhotos() async throws -> [Int64: Int] {
        var photoOfItem: [Int64: Int] = [:]
        var progress = Progress(total: plan.photos.count, label: "photos")
        try await forEachConcurrently(Array(plan.photos.indices), width: width) { photo in
            let outcome = try await store.addMedia(try mediaFile(photo))
            guard case .added(_, let item) = outcome else {
                throw ValidationError("synthetic photo \(photo) was in the library already (\(outcome))")
            }
            return (item, photo)
        } collect: { item, photo in
            photoOfItem[item] = photo
            progress.advance()
        }
        progress.finish()
        return photoOfItem
    }

    /// A symbolic link to the source photo of the photo's faces, recorded with a made-up hash (the
    /// same content under many paths would otherwise read as duplicates) and the source's size.
    func mediaFile(_ photo: Int) throws -> MediaFileInfo {
        let original = source.photos[source.faces[plan.faces[plan.photos[photo][0]].source].photo]
        let suffix = original.fileExtension.isEmpty ? "" : "." + original.fileExtension
        let link = links.appendingPathComponent(String(format: "%07d", photo + 1) + suffix)
        try? FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: original.path)
        let captured = plan.captureTime(ofPhoto: photo)
        return MediaFileInfo(path: link.path, size: original.size, mtime: captured?.date ?? Date(timeIntervalSince1970: 1_767_225_600),
                             contentHash: String(format: "%016llx%048llx", plan.seed, UInt64(photo + 1)), kind: .image,
                             width: original.width, height: original.height, capturedAt: captured)
    }

    /// Claims the photos in batches and completes each with its faces; returns the id of every face.
    func addFaces(items photoOfItem: [Int64: Int]) async throws -> [Int64] {
        var faceIds = [Int64](repeating: 0, count: plan.faces.count)
        var progress = Progress(total: plan.faces.count, label: "faces")
        while true {
            let items = try await store.claim(owner: owner, limit: Self.claimBatch, leaseSeconds: 600)
            if items.isEmpty { break }
            try await forEachConcurrently(items, width: width) { item in
                guard let photo = photoOfItem[item.id] else {
                    throw ValidationError("media item \(item.id) (\(item.path)) appeared while generating: not made by this generator")
                }
                let faces = plan.photos[photo]
                let ids = try await store.complete(item: item.id, owner: owner, faces: faces.map(newFace))
                for (face, id) in zip(faces, ids) { try linkThumbnail(of: face, id: id) }
                return (faces, ids)
            } collect: { faces, ids in
                for (face, id) in zip(faces, ids) { faceIds[face] = id }
                progress.advance(by: faces.count)
            }
        }
        progress.finish()
        return faceIds
    }

    func newFace(_ index: Int) -> NewFace {
        let original = source.faces[plan.faces[index].source]
        return NewFace(box: original.box, score: original.score, landmarks: original.landmarks, faceSize: original.faceSize,
                       embedding: plan.embedding(of: index, source: source), embeddingModel: FaceNet.defaultModelTag,
                       quality: original.quality, frameCut: original.frameCut)
    }

    /// A hard link to the source face's thumbnail (a copy across file systems): 100,000 faces cost
    /// no thumbnail space.
    func linkThumbnail(of face: Int, id: Int64) throws {
        let name = store.thumbnailNaming(id)
        guard let target = directory.thumbnailURL(named: name) else {
            throw ValidationError("refusing thumbnail name `\(name)`: not a plain file name")
        }
        let original = source.faces[plan.faces[face].source].thumbnail
        try? FileManager.default.removeItem(at: target)
        do {
            try FileManager.default.linkItem(at: original, to: target)
        } catch {
            try FileManager.default.copyItem(at: original, to: target)
        }
    }

    func addPersons(faceIds: [Int64]) async throws {
        var members = [[Int64]](repeating: [], count: plan.personSizes.count)
        for (index, face) in plan.faces.enumerated() {
            if let person = face.person { members[person].append(faceIds[index]) }
        }
        var progress = Progress(total: members.count, label: "persons")
        try await forEachConcurrently(Array(members.indices), width: width) { [members] person in
            let name = plan.names[person]
            let created = try await store.createPerson(name: name, faces: members[person], reason: name == nil ? .cluster : .user,
                                                       actor: name == nil ? "frs" : StoreOptions.actor, verified: nil)
            if plan.hidden.contains(person) { try await store.setHidden(person: created.id, hidden: true) }
        } collect: {
            progress.advance()
        }
        progress.finish()
    }
}

/// Runs `work` on every element, at most `width` at a time, and hands each result to `collect` in
/// the calling task (where progress and bookkeeping live) as it arrives.
func forEachConcurrently<Element: Sendable, Result: Sendable>(
    _ elements: [Element], width: Int, _ work: @escaping @Sendable (Element) async throws -> Result,
    collect: (Result) -> Void
) async throws {
    try await withThrowingTaskGroup(of: Result.self) { group in
        var running = 0
        for element in elements {
            if running == width {
                collect(try await group.next()!)
                running -= 1
            }
            group.addTask { try await work(element) }
            running += 1
        }
        for try await result in group { collect(result) }
    }
}
