import ArgumentParser
import FacePipeline
import FaceStore
import Foundation
import Logging

extension FRS {
    struct Watch: AsyncParsableCommand {
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
            _ = try await library.withStore(settings) { store in try await watch(store, settings: settings, logger: logger) }
            logger.info("stopped")
        }

        private func watch(_ store: any FaceStore, settings: Settings, logger: Logger) async throws {
            let watched = WatchedFolders(directory: settings.dataDirectory)
            try watched.remember(folders)
            let stop = StopSignal()
            stop.install { _ in logger.notice("stopping after the current photo") }
            let runner = try detection.runner(store: store, settings: settings, stop: stop)
            try await runner.recover()

            let indexer = MediaIndexer(store: store, videoInterval: settings.videoInterval, thumbnails: settings.dataDirectory)
            var idle = 1.0
            // Each problem (a FIFO, a bad name) is logged once, not on every poll.
            var reported = Set<String>()
            logger.info("watching", metadata: ["folders": "\(watched.load().count)", "database": "\(maskedURL(settings.database))"])
            while !stop.isStopped {
                var added = 0
                if !noScan {
                    let files = MediaIndexer.mediaFiles(in: watched.load(), excluding: [settings.dataDirectory.root]) { problem in
                        if reported.insert(problem).inserted { logger.warning("\(problem)") }
                    }
                    for file in files where !stop.isStopped {
                        switch try await indexer.add(file) {
                        case .added, .changed: added += 1
                        // Not counted: a file that stays unreadable (a dangling link) would make every
                        // cycle look busy and the loop spin without waiting. A new one is queued, and
                        // the detection run below marks it failed.
                        case .unreadable(let reason):
                            if reported.insert("\(file.path): \(reason)").inserted { logger.warning("cannot read file", metadata: ["path": "\(file.path)", "reason": "\(reason)"]) }
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
        }
    }
}
