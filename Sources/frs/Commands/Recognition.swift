import ArgumentParser
import FacePipeline
import FaceStore
import FaceVision
import Foundation

extension FRS {
    struct Embed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "embed",
            abstract: "Compute the FaceNet embedding of every stored face that has none.",
            discussion: """
            Faces embedded the other way (the embedding_flip setting changed) are embedded again, in \
            place: their persons, names, confirmations and rejections stay as they are.
            """)

        @OptionGroup var library: LibraryOptions
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            let settings = try library.settings()
            library.bootstrapLogging(settings)
            let message = try await library.withStore(settings, dryRun: dryRun.dryRun) { store in
                if dryRun.dryRun {
                    var count = 0, last: Int64 = 0
                    while true {
                        let page = try await store.facesWithoutEmbedding(afterFaceId: last, limit: 5000)
                        guard let tail = page.last else { break }
                        count += page.count
                        last = tail.faceId
                    }
                    return "dry run: \(count) face\(count == 1 ? "" : "s") would be embedded"
                }
                let facenet = try settings.faceNet(engine: settings.inferenceEngine(notice: Console.status)) { Console.status($0) }
                let stop = StopSignal()
                stop.install()
                let summary = try await EmbeddingRunner(store: store, facenet: facenet, pathMapping: settings.pathMapping, stop: stop).run()
                return "embedded \(summary.faces) faces in \(summary.photos) photos"
                    + (summary.reembedded > 0 ? " (\(summary.reembedded) of them again, for embedding_flip = \(settings.embeddingFlip))" : "")
                    + (summary.skipped > 0 ? "; \(summary.skipped) faces skipped (photo unreadable)" : "")
            }
            print(message ?? "dry run: no library yet")
        }
    }
}

extension FRS {
    struct Cluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster",
            abstract: "Group unassigned faces into persons.",
            discussion: """
            New faces that clearly match one known person join it; the rest are clustered with the \
            known persons' faces as anchors. Groups of at least --min-faces become new persons named \
            Unknown-N (numbers are never reused); smaller groups wait until they grow.
            """)

        @OptionGroup var recognition: RecognitionOptions
        @OptionGroup var library: LibraryOptions
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            try await RecognitionReport.run(library: library, dryRun: dryRun.dryRun) { store, settings in
                try await Recognizer(store: store, options: recognition.options(settings: settings, dryRun: dryRun.dryRun)).run()
            }
        }
    }
}

extension FRS {
    struct Recluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recluster",
            abstract: "Re-examine unassigned faces against persons and each other (the original --recluster).",
            discussion: """
            With --full, persons the machine made are rebuilt too: their faces are grouped again with \
            everything else, keeping a person's id and number where a new group continues it. Persons a \
            user named and faces a user confirmed are never moved, renamed, merged away or deleted.
            """)

        @Flag(help: "Also rebuild the persons the machine made.") var full = false
        @OptionGroup var recognition: RecognitionOptions
        @OptionGroup var library: LibraryOptions
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            try await RecognitionReport.run(library: library, dryRun: dryRun.dryRun) { store, settings in
                try await Recognizer(store: store, options: recognition.options(settings: settings, dryRun: dryRun.dryRun)).recluster(full: full)
            }
        }
    }
}

extension FRS {
    struct Recognize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recognize",
            abstract: "Embed new faces and assign them to persons (the original --recognize).")

        @OptionGroup var recognition: RecognitionOptions
        @OptionGroup var library: LibraryOptions
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            try await RecognitionReport.run(library: library, dryRun: dryRun.dryRun) { store, settings in
                if !dryRun.dryRun {
                    let facenet = try settings.faceNet(engine: settings.inferenceEngine(notice: Console.status)) { Console.status($0) }
                    _ = try await EmbeddingRunner(store: store, facenet: facenet, pathMapping: settings.pathMapping).run()
                }
                return try await Recognizer(store: store, options: recognition.options(settings: settings, dryRun: dryRun.dryRun)).run()
            }
        }
    }
}

enum RecognitionReport {
    static func run(library: LibraryOptions, dryRun: Bool, _ body: (any FaceStore, Settings) async throws -> Recognizer.Summary) async throws {
        let settings = try library.settings()
        library.bootstrapLogging(settings)
        guard let summary = try await library.withStore(settings, dryRun: dryRun, { try await body($0, settings) }) else { return print("dry run: no library yet") }
        print(describe(summary, dryRun: dryRun))
    }

    static func describe(_ s: Recognizer.Summary, dryRun: Bool) -> String {
        let prefix = dryRun ? "dry run, nothing written: would have " : ""
        return "\(prefix)matched \(s.matched) faces to known persons, clustered \(s.clustered) (\(s.newPersons) new persons, \(s.grownPersons) grown\(s.removedPersons > 0 ? ", \(s.removedPersons) machine persons removed" : "")); \(s.unassigned) faces unassigned"
    }
}
