import FRSTestSupport
import FaceStore
import Foundation
import StoreTestSupport
import Testing

@Suite("Crashes and concurrent workers", .serialized)
struct CrashAndConcurrencyTests {
    @Test("a detect killed with SIGKILL at random points and re-run ends with exactly one set of faces", arguments: TestBackends.all)
    func killedAndRestarted(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: allSeedPhotos)
        defer { Task { await library.destroy() } }
        #expect(try await library.frs(["add", library.photos.path]).status == 0)

        // Kill points are chosen by progress, read from the run's own log ("media done" per photo),
        // so that neither a fast machine nor a busy test host lets a run finish between kills: even
        // rounds die during start-up or the first photo, odd rounds after one to three more photos
        // (the kill may land mid-commit). The rounds poll and sleep on a thread of their own, so that
        // the kill lands when the log says and no cooperative thread is held meanwhile.
        let arguments = library.arguments, root = library.root
        let kills = try await offCooperativePool {
            var generator = SystemRandomNumberGenerator()
            var kills = 0
            for round in 0..<6 {
                let log = root.appendingPathComponent("round\(round).log")
                let process = try FRSBinary.process(["detect", "--verbose"] + arguments, output: log)
                try process.run()
                if round.isMultiple(of: 2) {
                    usleep(UInt32.random(in: 50_000...500_000, using: &generator))
                } else {
                    let target = Int.random(in: 1...3, using: &generator)
                    func done() -> Int { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").components(separatedBy: "media done").count - 1 }
                    while process.isRunning, done() < target { usleep(10_000) }
                    usleep(UInt32.random(in: 0...100_000, using: &generator))
                }
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    kills += 1
                }
                process.waitUntilExit()
            }
            return kills
        }
        let firstLog = (try? String(contentsOf: library.root.appendingPathComponent("round0.log"), encoding: .utf8)) ?? ""
        #expect(kills >= 5, "the test must actually kill runs (\(kills) kills); first run said: \(firstLog)")

        let final = try await library.frs(["detect"])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try await library.statusCounts() == StatusCounts(done: allSeedPhotos.count))
        let stored = try await library.storedFaces()
        Expected.expectSame(stored, try Expected.faces(in: allSeedPhotos))

        // Every face has its thumbnail and every file belongs to a face.
        let store = try await library.openStore()
        var names: [String] = []
        try await store.forEachFacePage(size: 500) { page in names += page.compactMap(\.thumbnailName) }
        try await store.close()
        #expect(library.thumbnailFiles() == names.sorted(), "no missing and no orphan thumbnails")
    }

    // Enabled only with a server: an empty argument list would otherwise count as a pass.
    @Test("four workers on a server database process each photo exactly once",
          .enabled(if: !TestBackends.servers.isEmpty, "FRS_SKIP_POSTGRES=1 and no FRS_TEST_SQLSERVER_URL: the server-database tests are skipped"), arguments: TestBackends.servers)
    func fourWorkers(backend: StoreBackend) async throws {
        // All 39 photos: enough work that a worker which starts late still finds some left.
        let library = try await Library.make(backend, photos: allSeedPhotos)
        defer { Task { await library.destroy() } }
        #expect(try await library.frs(["add", library.photos.path]).status == 0)

        let workers = try (0..<4).map { i in
            try FRSBinary.process(["detect", "--workers", "1"] + library.arguments, output: library.root.appendingPathComponent("worker\(i).log"))
        }
        for worker in workers { try worker.run() }
        for worker in workers { await worker.exited() }
        #expect(workers.allSatisfy { $0.terminationStatus == 0 })

        #expect(try await library.statusCounts() == StatusCounts(done: allSeedPhotos.count))
        Expected.expectSame(try await library.storedFaces(), try Expected.faces(in: allSeedPhotos))
        // Each item was claimed once: one attempt each.
        let attempts = try await library.itemAttempts()
        #expect(attempts.count == allSeedPhotos.count)
        #expect(attempts.allSatisfy { $0 == 1 }, "attempts per item: \(attempts)")
        // The work was shared.
        let logs = try (0..<4).map { try String(contentsOf: library.root.appendingPathComponent("worker\($0).log"), encoding: .utf8) }
        let busy = logs.filter { log in log.contains("detected") && !log.contains("in 0 photos") }
        #expect(busy.count >= 2, "at least two workers did some of the work")
    }
}
