import ArgumentParser
import FacePipeline
import FaceStore
import Foundation

extension FRS {
    struct Detect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "detect",
            abstract: "Find the faces in every pending photo of the library, once (the original --db).",
            discussion: """
            Each photo's faces and thumbnails are stored and the photo marked done in one transaction; \
            a photo without faces is done too; an unreadable one is marked failed with its reason and \
            not retried unless --retry-failed. Several `frs detect` processes, on one machine or many \
            sharing PostgreSQL, split the work between them.
            """
        )

        @OptionGroup var library: LibraryOptions
        @OptionGroup var detection: PipelineDetectionOptions
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            let settings = try library.detectionSettings(detection)
            let ran: Void? = try await library.withStore(settings, dryRun: dryRun.dryRun) { store in
                if dryRun.dryRun {
                    try await DetectionReport.dryRun(store: store, retryFailed: detection.retryFailed)
                    return
                }
                try await detect(store, settings: settings)
            }
            if ran == nil { print("dry run: the database does not exist yet; nothing to detect") }
        }

        private func detect(_ store: any FaceStore, settings: Settings) async throws {
            let stop = StopSignal()
            stop.install { _ in Console.status("frs detect: stopping after the current photo (press again to quit at once)") }
            let runner = try detection.runner(store: store, settings: settings, stop: stop)
            try await runner.recover()
            if detection.retryFailed {
                let count = try await store.requeueFailed()
                if count > 0 { Console.status("frs detect: trying \(count) failed photo\(count == 1 ? "" : "s") again") }
            }
            let summary = try await DetectionReport.run(runner, store: store)
            print(DetectionReport.describe(summary))
        }
    }
}

/// Detection settings of the library commands, on top of the config file.
struct PipelineDetectionOptions: ParsableArguments {
    @Option(help: "Keep faces scoring at least this (0-1).") var threshold: Float?
    @Option(help: ArgumentHelp("Largest longer side the detector works at.", valueName: "px")) var maxSide: Int?
    @Flag(help: "Also search an enlarged copy for small faces (slower).") var smallFaces = false
    @Option(help: "Photos processed at once in this process.") var workers: Int?
    @Flag(help: "Try photos that failed before again.") var retryFailed = false

    func apply(to settings: inout Settings) throws {
        if let threshold { try settings.set(.threshold, "\(threshold)", source: .flag) }
        if let maxSide { try settings.set(.maxSide, "\(maxSide)", source: .flag) }
        if smallFaces { try settings.set(.smallFaces, "true", source: .flag) }
        if let workers { try settings.set(.workers, "\(workers)", source: .flag) }
    }

    func runner(store: any FaceStore, settings: Settings, stop: StopSignal) throws -> DetectionRunner {
        try DetectionRunner(store: store, models: settings.models, dataDirectory: settings.dataDirectory,
                            options: DetectionRunner.Options(settings: settings), stop: stop) { Console.status($0) }
    }
}

/// How faces are embedded, for the evaluations (whose libraries ignore the config file).
struct EmbeddingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Average each face's embedding with its mirror image's (default: false); faces embedded the other way are embedded again.",
                               valueName: "bool"))
    var embeddingFlip: Bool?

    func apply(to settings: inout Settings) throws {
        if let embeddingFlip { try settings.set(.embeddingFlip, "\(embeddingFlip)", source: .flag) }
    }
}

/// How often a video is looked at, for the commands that add files.
struct VideoOption: ParsableArguments {
    @Option(help: ArgumentHelp("Look at one frame of each newly added video every this many seconds (default 1).", valueName: "seconds"))
    var videoInterval: Double?

    func apply(to settings: inout Settings) throws {
        if let videoInterval { try settings.set(.videoInterval, "\(videoInterval)", source: .flag) }
    }
}

/// Progress and summaries for detection runs.
enum DetectionReport {
    static func run(_ runner: DetectionRunner, store: any FaceStore) async throws -> DetectionRunner.Summary {
        let counts = try await store.statusCounts()
        let progress = ProgressBox(total: counts.pending + counts.leased)
        let summary = try await runner.run { event in progress.record(event) }
        progress.finish()
        return summary
    }

    static func dryRun(store: any FaceStore, retryFailed: Bool) async throws {
        let items = try await store.itemsNeedingWork(limit: 100_000, includeFailed: retryFailed)
        for item in items.prefix(20) { print("would detect: \(Printable.escaped(item.path))\(item.frameNumber.map { " frame \($0)" } ?? "")") }
        if items.count > 20 { print("... and \(items.count - 20) more") }
        print("dry run: \(items.count) photo\(items.count == 1 ? "" : "s") would be processed; nothing was written")
    }

    static func describe(_ summary: DetectionRunner.Summary) -> String {
        let lost = summary.lost > 0 ? ", \(summary.lost) taken over by other workers" : ""
        let memory = PeakMemory.megabytes.map { "; peak memory \($0) MB" } ?? ""
        return "detected \(summary.faces) face\(summary.faces == 1 ? "" : "s") in \(summary.done) photo\(summary.done == 1 ? "" : "s"); \(summary.failed) failed\(lost)\(memory)"
    }
}

/// A thread-safe progress line fed by worker events.
final class ProgressBox: @unchecked Sendable {
    // Unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var progress: Progress
    private var faces = 0

    init(total: Int) { progress = Progress(total: total, label: "photos") }

    func record(_ event: DetectionRunner.Event) {
        lock.withLock {
            switch event {
            case .done(_, _, let count): faces += count
            case .failed, .lost: break  // the logger reports these
            }
            progress.detail = "\(faces) faces"
            progress.advance()
        }
    }

    func finish() { lock.withLock { progress.finish() } }
}
