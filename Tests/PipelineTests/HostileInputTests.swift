import FRSTestSupport
import FacePipeline
import FaceStore
import FaceVision
import Foundation
import StoreTestSupport
import GRDB
import StoreTestSupport
import Testing

/// What a careless or hostile user does to `frs` (issue 9): special files, odd names, the data
/// directory inside the photos, photos that change, output sent to a file.
@Suite("Hostile input and careless use", .serialized)
struct HostileInputTests {
    @Test("a FIFO, a link to /dev/zero and a link loop named .jpg are reported or failed, never hang add, detect or test")
    func specialFiles() async throws {
        let library = try await Library.make(.sqlite, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        let folder = library.photos
        #expect(mkfifo(folder.appendingPathComponent("pipe.jpg").path, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("zero.jpg").path, withDestinationPath: "/dev/zero")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop.jpg").path,
                                                   withDestinationPath: folder.appendingPathComponent("loop.jpg").path)

        let add = try await library.timedFrs(["add", folder.path])
        #expect(!add.hung, "frs add must not hang on special files: \(add.output)")
        #expect(add.status == 1, "skipped files make the status non-zero: \(add.output)")
        #expect(add.output.contains("pipe.jpg: is a FIFO (named pipe), not a regular file"), "\(add.output)")
        #expect(add.output.contains("zero.jpg: is a character device, not a regular file"), "\(add.output)")
        #expect(add.output.contains("added 1,") && add.output.contains("unreadable 1"), "Jenny added, the link loop recorded: \(add.output)")
        #expect(!add.output.contains("permission"), "\(add.output)")

        let detect = try await library.timedFrs(["detect"])
        #expect(!detect.hung && detect.status == 0, "\(detect.output)")
        let failed = try await withFaceStore(library.database) { try await $0.failedItems(limit: 10) }
        #expect(failed.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["loop.jpg"])
        #expect(failed.first?.error.contains("symbolic link loop") == true, "\(failed)")
        #expect(failed.first?.error.contains("dangling") == false, "\(failed)")

        // Named directly, to a command that reads images.
        let test = try await library.timedFrs(["test", folder.appendingPathComponent("pipe.jpg").path,
                                         folder.appendingPathComponent("zero.jpg").path], library: false)
        #expect(!test.hung && test.status == 1, "\(test.output)")
        #expect(test.output.contains("is a FIFO (named pipe)") && test.output.contains("is a character device"), "\(test.output)")
    }

    @Test("a BMP that claims a huge size is refused in plain words, not with OpenCV's assertion text")
    func hugeBMP() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frs-bmp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A 54-byte header for 20000 x 20000 pixels at 24 bits, and no pixels.
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        let header: [UInt8] = Array("BM".utf8) + le32(54 + 1_200_000_000) + le32(0) + le32(54)
            + le32(40) + le32(20000) + le32(20000) + [1, 0, 24, 0] + le32(0) + le32(1_200_000_000) + le32(2835) + le32(2835) + le32(0) + le32(0)
        let file = folder.appendingPathComponent("huge.bmp")
        try Data(header).write(to: file)
        let result = try await FRSBinary.run(["test", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("huge.bmp: image is 20000x20000 pixels, more than the 150-megapixel limit"), "\(result.stderr)")
        #expect(!result.stderr.contains("CV_IO_MAX_IMAGE_PIXELS") && !result.stderr.contains("Assertion"), "\(result.stderr)")
    }

    @Test("frs watch with a FIFO in its folder keeps working and stops at the first SIGTERM")
    func watchWithFIFO() async throws {
        let library = try await Library.make(.sqlite, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        #expect(mkfifo(library.photos.appendingPathComponent("pipe.jpg").path, 0o644) == 0)
        let log = library.root.appendingPathComponent("watch.out")
        let watch = try FRSBinary.process(["watch", "--interval", "1", library.photos.path] + library.arguments, output: log)
        try watch.run()
        defer { if watch.isRunning { kill(watch.processIdentifier, SIGKILL) } }
        // Jenny detected means the folder scan got past the FIFO.
        for _ in 0..<1200 where ((try? await library.statusCounts())?.done ?? 0) < 1 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await library.statusCounts() == StatusCounts(done: 1))
        kill(watch.processIdentifier, SIGTERM)
        for _ in 0..<200 where watch.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(!watch.isRunning, "watch must stop at the first SIGTERM: \(text)")
        if !watch.isRunning { #expect(watch.terminationReason == .exit && watch.terminationStatus == 0, "\(text)") }
        #expect(text.components(separatedBy: "pipe.jpg: is a FIFO").count == 2, "reported once, not every poll: \(text)")
    }

    @Test("export --csv sent to a file starts with its header; fields with commas, quotes, CR or LF are quoted")
    func exportToFile() async throws {
        let library = try await Library.make(.sqlite, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        let odd = library.photos.appendingPathComponent("a,b\r\"c\".jpg")
        try FileManager.default.copyItem(at: Library.seed.appendingPathComponent("lodhi.jpg"), to: odd)
        #expect(try await library.frs(["add", library.photos.path]).status == 0)
        try await library.storeFaces(perPhoto: 3)

        let file = library.root.appendingPathComponent("faces.csv")
        let export = try FRSBinary.process(["export", "faces", "--csv"] + library.arguments, output: file)
        try export.run()
        await export.exited()
        #expect(export.terminationStatus == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("face_id,path,frame,x1,y1,x2,y2,score,person_id,person_name,captured_at\n"), "\(text)")
        #expect(text.components(separatedBy: "\n").filter { $0.hasPrefix("face_id,") }.count == 1)
        #expect(text.contains("\"\(library.photos.path)/a,b\r\"\"c\"\".jpg\""), "\(text)")
    }

    @Test("a photo that changes loses its old faces' thumbnails as soon as it is added again", arguments: TestBackends.all)
    func changedPhotoThumbnails(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        #expect(try await library.frs(["add", library.photos.path]).status == 0)
        let old = try await library.storeFaces(perPhoto: 2)
        #expect(library.thumbnailFiles() == old.sorted())

        // The user edits the photo (here: replaces it with another picture).
        let photo = library.photos.appendingPathComponent("Jenny.jpg")
        try FileManager.default.removeItem(at: photo)
        try FileManager.default.copyItem(at: Library.seed.appendingPathComponent("lodhi.jpg"), to: photo)
        let add = try await library.frs(["add", library.photos.path])
        #expect(add.status == 0 && add.stdout.contains("changed 1"), "\(add.stdout)\(add.stderr)")
        #expect(library.thumbnailFiles().isEmpty, "the removed faces' thumbnails must go with them: \(library.thumbnailFiles())")
        #expect(try await library.statusCounts() == StatusCounts(pending: 1))
    }

    @Test("frs's own data directory inside a scanned folder is never indexed")
    func dataDirectoryInsideFolder() async throws {
        let library = try await Library.make(.sqlite, photos: ["Jenny.jpg", "lodhi.jpg"])
        defer { Task { await library.destroy() } }
        let data = library.photos.appendingPathComponent("frsdata")
        let arguments = ["--data-dir", data.path, "--config", library.root.appendingPathComponent("none.conf").path]
        // Thumbnails from an earlier run are photos too, by their name and content.
        let thumbnails = data.appendingPathComponent("thumbnails")
        try FileManager.default.createDirectory(at: thumbnails, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Library.seed.appendingPathComponent("IK.png"), to: thumbnails.appendingPathComponent("1.jpg"))

        let add = try await FRSBinary.run(["add", library.photos.path] + arguments)
        #expect(add.status == 0 && add.stdout.contains("added 2,"), "\(add.stdout)\(add.stderr)")
        let again = try await FRSBinary.run(["add", library.photos.path] + arguments)
        #expect(again.stdout.contains("added 0, changed 0, unchanged 2"), "\(again.stdout)\(again.stderr)")
        let named = try await FRSBinary.run(["add", thumbnails.appendingPathComponent("1.jpg").path] + arguments)
        #expect(named.status == 1 && named.stderr.contains("inside frs's own data directory"), "\(named.stderr)")
        let paths = try await withFaceStore(data.appendingPathComponent("frs.sqlite").path) { store in
            try await store.itemsNeedingWork(limit: 10, includeFailed: true).map(\.path)
        }
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted() == ["Jenny.jpg", "lodhi.jpg"])
    }

    @Test("a file name that is not valid UTF-8 is refused by name, not stored garbled", arguments: TestBackends.all)
    func nonUTF8Name(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        // "café.jpg" in Latin-1: the byte 0xE9 alone is not UTF-8.
        let bytes = Array(library.photos.path.utf8) + Array("/caf".utf8) + [0xE9] + Array(".jpg".utf8)
        let photo = try Data(contentsOf: Library.seed.appendingPathComponent("lodhi.jpg"))
        let descriptor = (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        try #require(descriptor >= 0)
        _ = photo.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)

        let add = try await library.frs(["add", library.photos.path])
        #expect(add.status == 1, "\(add.stdout)\(add.stderr)")
        #expect(add.stderr.contains("caf\\xe9.jpg: the file name is not valid UTF-8"), "\(add.stderr)")
        #expect(add.stdout.contains("added 1,"), "\(add.stdout)")
        let paths = try await withFaceStore(library.database) { store in
            try await store.itemsNeedingWork(limit: 10, includeFailed: true).map(\.path)
        }
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["Jenny.jpg"], "\(paths)")
        #expect(!paths.contains { $0.contains("\u{FFFD}") })
    }

    @Test("control characters in file names are escaped on the terminal and in log lines")
    func controlCharacters() async throws {
        let library = try await Library.make(.sqlite, photos: [])
        defer { Task { await library.destroy() } }
        let name = "evil\u{1B}[2J\u{1B}[31mRED\nforged line.jpg"
        try FileManager.default.copyItem(at: Library.seed.appendingPathComponent("Jenny.jpg"), to: library.photos.appendingPathComponent(name))

        let add = try await library.frs(["add", "--verbose", library.photos.path])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(!add.stderr.contains("\u{1B}") && !add.stderr.contains("\nforged"), "\(add.stderr.debugDescription)")
        #expect(add.stderr.contains("evil\\x1b[2J\\x1b[31mRED\\nforged line.jpg"), "\(add.stderr.debugDescription)")
        try await library.storeFaces(perPhoto: 1)

        let list = try await library.frs(["faces", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(!list.stdout.contains("\u{1B}") && !list.stdout.contains("\nforged"), "\(list.stdout.debugDescription)")
        #expect(list.stdout.contains("evil\\x1b[2J"), "\(list.stdout.debugDescription)")
        // JSON keeps the exact name, escaped the JSON way.
        let json = try await library.frs(["faces", "list", "--json"])
        #expect(json.stdout.contains("evil\\u001b[2J") && !json.stdout.contains("\u{1B}"), "\(json.stdout.debugDescription)")
    }

    @Test("thumbnail files are named the way the store names them", arguments: TestBackends.all)
    func thumbnailNaming(backend: StoreBackend) async throws {
        let library = try await Library.make(backend, photos: ["GroupM.jpg"])
        defer { Task { await library.destroy() } }
        try FileManager.default.createDirectory(at: library.dataDirectory, withIntermediateDirectories: true)
        let store = try await openFaceStore(library.database, thumbnailNaming: { "face-\($0).jpg" })
        do {
            let indexer = MediaIndexer(store: store, thumbnails: DataDirectory(root: library.dataDirectory))
            #expect(try await indexer.add(library.photos.appendingPathComponent("GroupM.jpg")) == .added)
            let settings = Settings(locations: StandardLocations())
            let runner = try DetectionRunner(store: store, models: ModelStore(directory: SharedData.models),
                                             dataDirectory: DataDirectory(root: library.dataDirectory),
                                             options: DetectionRunner.Options(settings: settings))
            let summary = try await runner.run()
            #expect(summary.done == 1 && summary.faces > 1)
            var names: [String] = []
            try await store.forEachFacePage { page in names += page.compactMap(\.thumbnailName) }
            #expect(names.count == summary.faces && names.allSatisfy { $0.hasPrefix("face-") }, "\(names)")
            #expect(library.thumbnailFiles() == names.sorted())
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test("a command closes its store before it exits: the SQLite file alone then holds its work")
    func storeClosedBeforeExit() async throws {
        let library = try await Library.make(.sqlite, photos: ["Jenny.jpg"])
        defer { Task { await library.destroy() } }
        let steps: [([String], String)] = [
            (["add", library.photos.path], #"SELECT COUNT(*) FROM "MediaFile""#),
            (["detect"], #"SELECT COUNT(*) FROM "Faces""#),
            (["embed"], #"SELECT COUNT(*) FROM "Faces" WHERE "Embedding" IS NOT NULL"#),
        ]
        for (command, query) in steps {
            let result = try await library.frs(command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            // A backup that copies only frs.sqlite (no -wal file) must have what the command wrote.
            let copy = library.root.appendingPathComponent("copy-\(command[0]).sqlite")
            try FileManager.default.copyItem(at: URL(fileURLWithPath: library.database), to: copy)
            let queue = try DatabaseQueue(path: copy.path)
            let rows = try await queue.read { try Int.fetchOne($0, sql: query) ?? 0 }
            try queue.close()
            #expect(rows > 0, "frs \(command[0]) exited without closing the database: \(query) is 0 in the file alone")
        }
    }
}

extension Library {
    struct TimedRun {
        var status: Int32
        var output: String
        var hung: Bool
    }

    /// Runs frs (with this library's arguments unless `library` is false), killing it when it has not
    /// ended after `seconds`: a test of "never hangs" must not hang itself.
    func timedFrs(_ command: [String], library: Bool = true, seconds: Double = 120) async throws -> TimedRun {
        let log = root.appendingPathComponent("run-\(UUID().uuidString.prefix(8)).out")
        let process = try FRSBinary.process(command + (library ? arguments : []), output: log)
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let hung = process.isRunning
        if hung { kill(process.processIdentifier, SIGKILL) }
        await process.exited()
        return TimedRun(status: process.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "", hung: hung)
    }

    /// Gives every pending photo `perPhoto` faces the way a detection worker stores them (claim,
    /// complete, thumbnail files under the stored names), without running the models. Returns the
    /// thumbnail names.
    @discardableResult
    func storeFaces(perPhoto: Int) async throws -> [String] {
        let thumbnails = self.thumbnails
        return try await withFaceStore(database) { store in
            try FileManager.default.createDirectory(at: thumbnails, withIntermediateDirectories: true)
            var names: [String] = []
            for item in try await store.claim(owner: "test", limit: 1000, leaseSeconds: 600) {
                let faces = (0..<perPhoto).map { (n: Int) -> NewFace in
                    let left = Double(10 + 40 * n)
                    return NewFace(box: BoundingBox(x1: left, y1: 10, x2: left + 30, y2: 50), score: 0.99)
                }
                _ = try await store.complete(item: item.id, owner: "test", faces: faces)
                for face in try await store.faces(item: item.id) {
                    let name = try #require(face.thumbnailName)
                    try Data("thumbnail".utf8).write(to: thumbnails.appendingPathComponent(name))
                    names.append(name)
                }
            }
            return names
        }
    }
}
