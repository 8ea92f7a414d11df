import ArgumentParser
import FacePipeline
import FaceStore
import Foundation
import Logging

extension FRS {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Add, detect, embed, match and cluster, once (the original --all).",
            discussion: """
            Scans the given folders (or those remembered from `frs add`), then does all the new work:
            faces in new photos are found and embedded, new faces join the persons they match, and \
            the rest are clustered. Ends with a summary table.
            """)

        @Argument(help: "Folders or files to add first (default: the remembered folders).", completion: .file()) var paths: [String] = []
        @OptionGroup var recognition: RecognitionOptions
        @OptionGroup var detection: PipelineDetectionOptions
        @OptionGroup var video: VideoOption
        @OptionGroup var library: LibraryOptions
        @OptionGroup var dryRun: DryRunOption

        func run() async throws {
            let settings = try library.detectionSettings(detection, video: video)
            let summary = try await library.withStore(settings, dryRun: dryRun.dryRun) { store in
                let stop = StopSignal()
                stop.install { _ in Console.status("frs run: stopping after the current step (press again to quit at once)") }
                let folders = try Run.folders(paths, settings: settings, remember: !dryRun.dryRun)
                let before = try await store.statusCounts()
                let progress = ProgressBox(total: before.pending + before.leased)
                let summary = try await PipelineCycle(store: store, settings: settings, recognition: recognition.options(settings: settings, dryRun: dryRun.dryRun), stop: stop)
                    .run(folders: folders, dryRun: dryRun.dryRun, onDetected: { progress.record($0) }) { Console.status($0) }
                progress.finish()
                return summary
            }
            guard let summary else {
                return print("dry run: the database does not exist yet; everything under \(Printable.escaped(paths.joined(separator: ", "))) would be processed")
            }
            print(Run.table(summary, dryRun: dryRun.dryRun))
        }

        static func folders(_ paths: [String], settings: Settings, remember: Bool) throws -> [String] {
            let watched = WatchedFolders(directory: settings.dataDirectory)
            if remember { try watched.remember(paths.filter(Add.isDirectory)) }
            return paths.isEmpty ? watched.load() : paths
        }

        static func table(_ s: PipelineCycle.Summary, dryRun: Bool) -> String {
            var rows: [(String, String)] = [
                ("files", "\(s.files.added) new, \(s.files.changed) changed, \(s.files.unchanged) unchanged, \(s.files.duplicates) duplicates"),
                ("photos", "\(s.detection.done) \(dryRun ? "to process" : "processed"), \(s.detection.failed) failed now, \(s.failedMedia) failed in all"),
                ("faces", "\(s.detection.faces) found, \(s.embedded) embedded separately"),
            ]
            if let r = s.recognition {
                rows += [
                    ("assigned", "\(r.matched) matched to known persons, \(r.clustered) clustered"),
                    ("persons", "\(r.newPersons) new, \(r.grownPersons) grown, \(s.persons) in all"),
                    ("unassigned", "\(r.unassigned) faces (waiting for more faces of the same person)"),
                ]
            } else {
                rows.append(("persons", "\(s.persons) in all; no new faces, so persons were left as they were"))
            }
            let width = rows.map(\.0.count).max() ?? 0
            return (dryRun ? "dry run: nothing was written\n" : "") + rows.map { "\($0.0.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.1)" }.joined(separator: "\n")
        }
    }
}

extension FRS {
    struct Automate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "automate",
            abstract: "Run the whole pipeline again and again (the original --automate).",
            discussion: """
            Every --every (e.g. 90s, 3m, 1h) a cycle of `frs run` does whatever is new. SIGINT or SIGTERM \
            end it after the current step. Logs also go to logs/automate.log in the data directory.
            """)

        @Option(help: ArgumentHelp("Time between the starts of two cycles: 90s, 3m, 1h.", valueName: "duration"))
        var every: String = "3m"
        @Argument(help: "Folders to add (remembered).", completion: .directory) var paths: [String] = []
        @OptionGroup var recognition: RecognitionOptions
        @OptionGroup var detection: PipelineDetectionOptions
        @OptionGroup var video: VideoOption
        @OptionGroup var library: LibraryOptions
        @OptionGroup var dryRun: DryRunOption

        static func seconds(_ text: String) -> Double? {
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
            if let unit = text.last.flatMap({ units[$0] }), let value = Double(text.dropLast()), value > 0 { return value * unit }
            return Double(text).flatMap { $0 > 0 ? $0 : nil }
        }

        func validate() throws {
            guard Self.seconds(every) != nil else { throw ValidationError("--every takes a duration like 90s, 3m or 1h") }
        }

        func run() async throws {
            let settings = try library.detectionSettings(detection, video: video, logFile: "automate.log")
            let logger = Logger(label: "frs.automate")
            let ran: Void? = try await library.withStore(settings, dryRun: dryRun.dryRun) { store in
                try await cycles(store, settings: settings, logger: logger)
            }
            if ran == nil { print("dry run: no library yet") }
        }

        private func cycles(_ store: any FaceStore, settings: Settings, logger: Logger) async throws {
            let stop = StopSignal()
            stop.install { _ in logger.notice("stopping after the current step") }
            let interval = Self.seconds(every)!
            let folders = try Run.folders(paths, settings: settings, remember: !dryRun.dryRun)
            let cycle = PipelineCycle(store: store, settings: settings, recognition: recognition.options(settings: settings, dryRun: dryRun.dryRun), stop: stop)
            var number = 0
            while !stop.isStopped {
                number += 1
                let started = Date()
                // After the first cycle, persons are only looked at again when new faces arrived.
                let summary = try await cycle.run(folders: folders, dryRun: dryRun.dryRun, recognizeAlways: number == 1)
                var metadata: Logger.Metadata = [
                    "cycle": "\(number)", "new_files": "\(summary.files.added + summary.files.changed)", "photos": "\(summary.detection.done)",
                    "faces": "\(summary.detection.faces)", "seconds": "\(Int(Date().timeIntervalSince(started)))",
                ]
                if let r = summary.recognition {
                    metadata["matched"] = "\(r.matched)"
                    metadata["clustered"] = "\(r.clustered)"
                    metadata["new_persons"] = "\(r.newPersons)"
                    metadata["unassigned"] = "\(r.unassigned)"
                }
                logger.info("cycle done", metadata: metadata)
                if dryRun.dryRun { print(Run.table(summary, dryRun: true)); return }
                let next = started.addingTimeInterval(interval)
                while !stop.isStopped && Date() < next { try await Task.sleep(for: .milliseconds(250)) }
            }
        }
    }
}
