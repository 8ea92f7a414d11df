import FRSTestSupport
import FaceStore
import Foundation
import Testing

@Suite("Crashes and concurrent workers", .serialized)
struct CrashAndConcurrencyTests {
    @Test("a detect killed with SIGKILL at random points and re-run ends with exactly one set of faces", arguments: Backends.all)
    func killedAndRestarted(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: samplePhotos)
        defer { Task { await library.destroy() } }
        #expect(try library.frs(["add", library.photos.path]).status == 0)

        // Kill points are chosen by progress, not by the clock, so that a fast machine cannot finish
        // the whole library between two kills: even rounds die during start-up or the first photo,
        // odd rounds after one to three more photos are done (the kill may land mid-commit).
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        let observer = try await library.openStore()
        for round in 0..<6 {
            let doneBefore = try await observer.statusCounts().done
            let process = try FRSBinary.process(["detect"] + library.arguments, output: library.root.appendingPathComponent("round\(round).log"))
            try process.run()
            if round.isMultiple(of: 2) {
                // A blocking sleep on purpose: a task sleep may resume late when other tests keep the
                // cooperative threads busy.
                usleep(UInt32.random(in: 100_000...1_500_000, using: &generator))
            } else {
                let target = doneBefore + Int.random(in: 1...3, using: &generator)
                while process.isRunning, try await observer.statusCounts().done < target { usleep(20_000) }
                usleep(UInt32.random(in: 0...150_000, using: &generator))
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        try await observer.close()
        let firstLog = (try? String(contentsOf: library.root.appendingPathComponent("round0.log"), encoding: .utf8)) ?? ""
        #expect(kills >= 4, "the test must actually kill runs (\(kills) kills); first run said: \(firstLog)")

        let final = try library.frs(["detect"])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try await library.statusCounts() == StatusCounts(done: samplePhotos.count))
        let stored = try await library.storedFaces()
        Expected.expectSame(stored, try Expected.faces(in: samplePhotos))

        // Every face has its thumbnail and every file belongs to a face.
        let store = try await library.openStore()
        var names: [String] = []
        var last: Int64 = 0
        while true {
            let page = try await store.faces(afterFaceId: last, limit: 500)
            guard let tail = page.last else { break }
            last = tail.faceId
            names += page.compactMap(\.thumbnailName)
        }
        try await store.close()
        #expect(library.thumbnailFiles() == names.sorted(), "no missing and no orphan thumbnails")
    }

    @Test("four workers on PostgreSQL process each photo exactly once")
    func fourWorkers() async throws {
        guard Backends.all.contains(.postgres) else { return }
        let library = try await Library.make(.postgres, photos: samplePhotos)
        defer { Task { await library.destroy() } }
        #expect(try library.frs(["add", library.photos.path]).status == 0)

        let workers = try (0..<4).map { i in
            try FRSBinary.process(["detect", "--workers", "1"] + library.arguments, output: library.root.appendingPathComponent("worker\(i).log"))
        }
        for worker in workers { try worker.run() }
        for worker in workers { worker.waitUntilExit() }
        #expect(workers.allSatisfy { $0.terminationStatus == 0 })

        #expect(try await library.statusCounts() == StatusCounts(done: samplePhotos.count))
        Expected.expectSame(try await library.storedFaces(), try Expected.faces(in: samplePhotos))
        // Each item was claimed once: one attempt each.
        let attempts = try await library.itemAttempts()
        #expect(attempts.count == samplePhotos.count)
        #expect(attempts.allSatisfy { $0 == 1 }, "attempts per item: \(attempts)")
        // The work was shared.
        let logs = try (0..<4).map { try String(contentsOf: library.root.appendingPathComponent("worker\($0).log"), encoding: .utf8) }
        let busy = logs.filter { log in log.contains("detected") && !log.contains("in 0 photos") }
        #expect(busy.count >= 2, "at least two workers did some of the work")
    }
}
