import FRSTestSupport
import FaceStore
import Foundation
import Testing

@Suite("frs watch")
struct WatchTests {
    @Test("picks up new photos as they arrive and stops cleanly on SIGTERM")
    func watchesAndStops() async throws {
        let library = try await Library.make(.sqlite, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        #expect(try await library.frs(["add", library.photos.path]).status == 0)

        let log = library.root.appendingPathComponent("watch.log")
        let watch = try FRSBinary.process(["--watch", "--interval", "1"] + library.arguments, output: log)
        try watch.run()
        defer { if watch.isRunning { kill(watch.processIdentifier, SIGKILL) } }

        func waitUntil(_ condition: () async throws -> Bool) async throws -> Bool {
            for _ in 0..<300 {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try await waitUntil { try await library.statusCounts().done == 1 }, "the photo added before should be processed")
        // A new photo in the remembered folder is found by the next scan.
        try FileManager.default.copyItem(at: Library.seed.appendingPathComponent("GroupM.jpg"), to: library.photos.appendingPathComponent("GroupM.jpg"))
        #expect(try await waitUntil { try await library.statusCounts().done == 2 }, "a photo copied in later should be processed")
        #expect((try await library.storedFaces())["GroupM.jpg"]?.count == 6)

        kill(watch.processIdentifier, SIGTERM)
        await watch.exited()
        #expect(watch.terminationReason == .exit && watch.terminationStatus == 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("stopped"), "\(text)")
        // The rotating log file in the data directory got the same lines.
        let file = try String(contentsOf: library.dataDirectory.appendingPathComponent("logs/watch.log"), encoding: .utf8)
        #expect(file.contains("watching") && file.contains("cycle done"))
    }

    @Test("automate repeats the whole pipeline, each cycle doing only new work")
    func automateCycles() async throws {
        let library = try await Library.make(.sqlite, photos: ["GroupM.jpg", "Jenny.jpg"])
        defer { Task { await library.destroy() } }
        let log = library.root.appendingPathComponent("automate.log")
        let automate = try FRSBinary.process(["--automate", "--every", "1s", library.photos.path] + library.arguments, output: log)
        try automate.run()
        defer { if automate.isRunning { kill(automate.processIdentifier, SIGKILL) } }
        var cycles = 0
        for _ in 0..<600 where cycles < 3 {
            try await Task.sleep(for: .milliseconds(100))
            cycles = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").components(separatedBy: "cycle done").count - 1
        }
        kill(automate.processIdentifier, SIGTERM)
        await automate.exited()
        #expect(automate.terminationStatus == 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(cycles >= 3, "\(text)")
        let lines = text.split(separator: "\n").filter { $0.contains("cycle done") }
        #expect(lines.first?.contains("photos=2") == true, "the first cycle processes both photos: \(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.contains("photos=0") && !$0.contains("clustered=") }, "later cycles have nothing new: \(lines)")
        #expect(try await library.statusCounts() == StatusCounts(done: 2))
    }
}
