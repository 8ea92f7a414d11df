import FRSTestSupport
import FaceVision
import Foundation
import StoreTestSupport
import GRDB
import StoreTestSupport
import PostgresNIO
import Synchronization
import Testing
@testable import FaceStore

/// One recognition run at a time per library (issue 9, defect 3), between real `frs` processes on
/// both databases: a second run waits and says so, a run killed with SIGKILL frees the library at
/// once, and two runs started together leave one set of persons.
@Suite("Recognition runs one at a time", .serialized)
struct RecognitionLockTests {
    @Test("a second run waits for the one holding the library, says so, and then does its work", arguments: TestBackends.all)
    func secondRunWaits(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: [])
        defer { Task { await library.destroy() } }
        try await library.storeSyntheticFaces(people: 3, faces: 5)
        let log = library.root.appendingPathComponent("cluster.out")
        nonisolated(unsafe) let cluster = try FRSBinary.process(["cluster"] + library.arguments, output: log)
        defer { if cluster.isRunning { kill(cluster.processIdentifier, SIGKILL) } }

        let observed = try await withFaceStore(library.database) { store in
            try await store.withRecognitionLock(waiting: { Issue.record("nobody else holds the lock yet") }) {
                try cluster.run()
                let said = await Self.waitFor("waiting for the recognition run already going on this library", in: log)
                // Still waiting a moment later, and nothing written meanwhile.
                try await Task.sleep(for: .seconds(1))
                return (said: said, running: cluster.isRunning, persons: try await store.persons(includeHidden: true).count)
            }
        }
        #expect(observed.said, "the second run must say that it waits: \(Self.text(log))")
        #expect(observed.running, "the second run must wait while the lock is held: \(Self.text(log))")
        #expect(observed.persons == 0)

        await cluster.exited()
        #expect(cluster.terminationStatus == 0, "\(Self.text(log))")
        let persons = try await withFaceStore(library.database) { try await $0.persons(includeHidden: true) }
        #expect(persons.count == 3 && persons.allSatisfy { $0.faceCount == 5 }, "\(persons.map(\.faceCount)) \(Self.text(log))")
    }

    // The run is held inside its locked section by a database lock, written here for SQLite and PostgreSQL.
    @Test("a run killed with SIGKILL while it holds the library frees it at once", arguments: TestBackends.all.filter { $0 != .sqlServer })
    func killedHolderFreesTheLock(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: [])
        defer { Task { await library.destroy() } }
        try await library.storeSyntheticFaces(people: 3, faces: 5)

        // Keeps the run inside its locked section: its first write (a new person) waits for this.
        let blocker = try await WriteBlocker(library)
        let log = library.root.appendingPathComponent("cluster.out")
        let cluster = try FRSBinary.process(["cluster", "--verbose"] + library.arguments, output: log)
        try cluster.run()
        let holding = await Self.waitFor("recognition lock taken", in: log)
        try await Task.sleep(for: .milliseconds(500))
        kill(cluster.processIdentifier, SIGKILL)
        await cluster.exited()
        await blocker.release()
        #expect(holding, "the run must get as far as taking the lock: \(Self.text(log))")
        #expect(cluster.terminationReason == .uncaughtSignal)

        let waited = Flag(), done = Flag()
        let store = try await library.openStore()
        // Unstructured, so that a lock that is never freed fails the test instead of hanging it.
        let attempt = Task {
            try await store.withRecognitionLock(waiting: { waited.set() }) { done.set() }
        }
        for _ in 0..<300 where !done.isSet { try await Task.sleep(for: .milliseconds(100)) }
        let free = done.isSet, wasHeld = waited.isSet
        #expect(free, "the killed holder's lock must be free")
        #expect(!wasHeld, "nobody holds the lock after its holder was killed")
        if free {
            try await attempt.value
            try await store.close()
        }
        // And a new run does the work the killed one did not.
        let again = try await library.frs(["cluster"])
        #expect(again.status == 0 && again.stdout.contains("3 new persons"), "\(again.stdout)\(again.stderr)")
    }

    @Test("two runs started together leave one set of persons: none empty, one assignment per face", arguments: TestBackends.all)
    func twoRunsAtOnce(backend: StoreBackend) async throws {
        for trial in 0..<3 {
            let library = try await Library.make(backend, photos: [])
            defer { Task { await library.destroy() } }
            try await library.storeSyntheticFaces(people: 3, faces: 5)
            let runs = try (0..<2).map { run in
                try FRSBinary.process(["cluster"] + library.arguments, output: library.root.appendingPathComponent("cluster\(run).out"))
            }
            for run in runs { try run.run() }
            for run in runs { await run.exited() }
            let logs = (0..<2).map { Self.text(library.root.appendingPathComponent("cluster\($0).out")) }
            #expect(runs.allSatisfy { $0.terminationStatus == 0 }, "trial \(trial): \(logs)")

            try await withFaceStore(library.database) { store in
                let persons = try await store.persons(includeHidden: true)
                #expect(persons.count == 3 && persons.allSatisfy { $0.faceCount == 5 },
                        "trial \(trial): faces per person \(persons.map(\.faceCount)); \(logs)")
                var faces: [Int64] = []
                try await store.forEachFacePage { page in faces += page.map(\.faceId) }
                for face in faces {
                    let history = try await store.assignments(face: face)
                    #expect(history.count == 1, "trial \(trial): face \(face) has \(history.count) assignments")
                }
            }
        }
    }

    /// Polls `file` until it contains `text`, for at most a minute.
    static func waitFor(_ text: String, in file: URL) async -> Bool {
        for _ in 0..<600 {
            if Self.text(file).contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    static func text(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
}

/// Holds the database's write lock (SQLite) or the persons table (PostgreSQL) from another
/// connection until `release`, so that a run in the middle of writing persons is stopped there.
final class WriteBlocker: Sendable {
    private let released = Flag()
    private let finished: Task<Void, any Error>

    init(_ library: Library) async throws {
        let taken = Flag()
        let released = self.released
        switch library.backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: library.database)
            // The transaction is held on a thread of its own: GRDB's queue blocks its caller.
            finished = Task {
                try await offCooperativePool {
                    try queue.inDatabase { db in
                        try db.execute(sql: "BEGIN IMMEDIATE")
                        taken.set()
                        while !released.isSet { usleep(20_000) }
                        try db.execute(sql: "ROLLBACK")
                    }
                    try queue.close()
                }
            }
        case .postgres:
            let store = try PostgresStore(url: library.database, maximumConnections: 1)
            finished = Task {
                do {
                    try await store.client.withTransaction(logger: store.logger) { connection in
                        _ = try await connection.query(#"LOCK TABLE "Persons" IN ACCESS EXCLUSIVE MODE"#, logger: store.logger)
                        taken.set()
                        while !released.isSet { try await Task.sleep(for: .milliseconds(20)) }
                    }
                } catch {
                    try? await store.close()
                    throw error
                }
                try await store.close()
            }
        case .sqlServer:
            throw TestSetupError(description: "no write blocker written for SQL Server")
        }
        for _ in 0..<300 where !taken.isSet { try await Task.sleep(for: .milliseconds(100)) }
        guard taken.isSet else { throw TestSetupError(description: "could not lock the \(library.backend) database") }
    }

    func release() async {
        released.set()
        _ = await finished.result
    }
}

/// A flag shared between tasks and threads.
final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

extension Library {
    /// `people` identities with `faces` faces each, one photo per face, stored as a detection run
    /// with embedding would store them, without the models: FaceNet-like vectors (512-d, unit length;
    /// the norm before normalising is the quality),
    /// each identity a random direction with a little noise, so that they cluster into `people` persons.
    func storeSyntheticFaces(people: Int, faces: Int) async throws {
        var random = SystemRandomNumberGenerator()
        func gaussian() -> Float {
            let u = Float.random(in: Float.ulpOfOne..<1, using: &random), v = Float.random(in: 0..<1, using: &random)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        func scaled(_ vector: [Float], to norm: Float) -> [Float] {
            let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return vector.map { $0 * norm / length }
        }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        try await withFaceStore(database) { store in
            for person in 0..<people {
                let centre = scaled((0..<512).map { _ in gaussian() }, to: 1)
                for face in 0..<faces {
                    let noise = scaled((0..<512).map { _ in gaussian() }, to: 0.4)
                    let vector = scaled(zip(centre, noise).map { $0 + $1 }, to: 1)
                    let path = "/synthetic/person\(person)-\(face).jpg"
                    _ = try await store.addMedia(MediaFileInfo(path: path, size: 1000, mtime: Date(timeIntervalSince1970: 1_700_000_000),
                                                               contentHash: String(format: "%064x", person * 1000 + face + 1), kind: .image))
                    let item = try #require(try await store.claim(owner: "synthetic", limit: 1, leaseSeconds: 600).first)
                    _ = try await store.complete(item: item.id, owner: "synthetic", faces: [
                        NewFace(box: BoundingBox(x1: 10, y1: 10, x2: 110, y2: 130), score: 0.99, faceSize: 120,
                                embedding: vector, embeddingModel: FaceNet.defaultModelTag, quality: 25),
                    ])
                }
            }
        }
    }
}
