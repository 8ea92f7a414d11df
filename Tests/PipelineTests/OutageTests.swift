import FRSTestSupport
import FaceStore
import Foundation
import StoreTestSupport
import Testing

/// A PostgreSQL server of this test's own (`scripts/pg-test-server` with its own state folder), so
/// that taking it down does not disturb the tests that share the main test server.
struct DedicatedPostgres {
    let stateDirectory: URL
    let url: String
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/pg-test-server")

    init() async throws {
        stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("frs-pg-\(UUID().uuidString.prefix(8))")
        url = try await Self.run("start", stateDirectory).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server and keeps its data; `up()` brings it back on the same port.
    func down() async throws { _ = try await Self.run("down", stateDirectory) }
    func up() async throws { _ = try await Self.run("start", stateDirectory) }
    /// Blocking: it runs in `defer`.
    func destroy() { _ = try? ProcessResult.runBlocking(Self.script, ["stop"], environment: ["FRS_PG_DIR": stateDirectory.path]) }

    private static func run(_ verb: String, _ state: URL) async throws -> String {
        let result = try await ProcessResult.run(script, [verb], environment: ["FRS_PG_DIR": state.path])
        guard result.status == 0 else { throw TestSetupError(description: "pg-test-server \(verb) failed: \(result.stderr)") }
        return result.stdout
    }
}

@Suite("Database outages", .serialized)
struct OutageTests {
    @Test("frs watch waits out a PostgreSQL outage in the middle of a run, says so, and finishes every photo exactly once",
          .enabled(if: !TestBackends.skipPostgres, "FRS_SKIP_POSTGRES=1: PostgreSQL tests are skipped"))
    func postgresGoesAwayAndComesBack() async throws {
        let server = try await DedicatedPostgres()
        defer { server.destroy() }
        let library = try await Library.make(.postgres, photos: allSeedPhotos, server: server.url)
        defer { Task { await library.destroy() } }
        #expect(try await library.frs(["add", library.photos.path]).status == 0)

        let log = library.root.appendingPathComponent("watch.log")
        let watch = try FRSBinary.process(["watch", "--interval", "1", "--no-scan"] + library.arguments, output: log)
        try watch.run()
        defer { if watch.isRunning { kill(watch.processIdentifier, SIGKILL) } }

        // Down once a few photos are done, so that the outage hits the run in the middle.
        let observer = try await library.openStore()
        for _ in 0..<1200 where try await observer.statusCounts().done < 3 { try await Task.sleep(for: .milliseconds(50)) }
        try await observer.close()
        try await server.down()
        // Long enough for the watcher to say what it is waiting for (after 10 s).
        for _ in 0..<300 where !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("waiting for a PostgreSQL connection") {
            try await Task.sleep(for: .milliseconds(100))
        }
        let during = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(watch.isRunning, "watch must not die while the database is away: \(during)")
        #expect(during.contains("waiting for a PostgreSQL connection; is the server up?"), "\(during)")
        try await server.up()

        var counts = StatusCounts()
        for _ in 0..<600 {
            counts = try await library.statusCounts()
            if counts.done == allSeedPhotos.count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(watch.processIdentifier, SIGTERM)
        await watch.exited()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(watch.terminationReason == .exit && watch.terminationStatus == 0, "\(text)")
        #expect(counts == StatusCounts(done: allSeedPhotos.count), "\(text)")
        // Exactly one set of faces per photo, whatever was in flight when the server went.
        Expected.expectSame(try await library.storedFaces(), try Expected.faces(in: allSeedPhotos))
    }
}
