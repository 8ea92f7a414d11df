import ArgumentParser
import FacePipeline
import FaceStore
import Foundation
import Logging

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep detecting faces as new photos arrive (the original --watch).",
        discussion: """
        Scans the folders given to `frs add` (and any given here) for new or changed files, detects \
        faces in everything pending, and waits for more: polling backs off from 1 s to the watch \
        interval while there is nothing to do. SIGINT or SIGTERM finish the current photo and exit. \
        Logs also go to a size-capped rotating file, logs/watch.log in the data directory.
        """
    )

    @Argument(help: "More folders to watch (remembered like `frs add`).", completion: .directory) var folders: [String] = []
    @Option(help: ArgumentHelp("Longest wait between polls, in seconds (config watch_interval).", valueName: "s")) var interval: Double?
    @Flag(help: "Do not scan folders; only process what others add to the database.") var noScan = false
    @OptionGroup var library: LibraryOptions
    @OptionGroup var detection: PipelineDetectionOptions
    @OptionGroup var video: VideoOption

    func run() async throws {
        var settings = try library.detectionSettings(detection, video: video, logFile: "watch.log")
        if let interval { try settings.set(.watchInterval, "\(interval)", source: .flag) }
        let logger = Logger(label: "frs.watch")
        guard let store = try await library.openStore(settings) else { return }
        defer { Task { try? await store.close() } }

        let watched = WatchedFolders(directory: settings.dataDirectory)
        try watched.remember(folders)
        let stop = StopSignal()
        stop.install { _ in logger.notice("stopping after the current photo") }
        let runner = try detection.runner(store: store, settings: settings, stop: stop)
        try await runner.recover()

        let indexer = MediaIndexer(store: store, videoInterval: settings.videoInterval)
        var idle = 1.0
        logger.info("watching", metadata: ["folders": "\(watched.load().count)", "database": "\(maskedURL(settings.database))"])
        while !stop.isStopped {
            var added = 0
            if !noScan {
                for file in MediaIndexer.mediaFiles(in: watched.load(), problems: { logger.warning("\($0)") }) where !stop.isStopped {
                    switch try await indexer.add(file) {
                    case .added, .changed, .unreadable: added += 1
                    case .unchanged, .duplicate: break
                    }
                }
            }
            let summary = try await runner.run()
            if summary.items > 0 || added > 0 {
                logger.info("cycle done", metadata: ["new_files": "\(added)", "photos": "\(summary.done)", "faces": "\(summary.faces)", "failed": "\(summary.failed)"])
                idle = 1
                continue
            }
            // Nothing to do: wait, backing off up to the interval, waking early on a stop.
            let deadline = Date().addingTimeInterval(idle)
            while !stop.isStopped && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
            idle = min(idle * 2, settings.watchInterval)
        }
        logger.info("stopped")
    }
}
