import ArgumentParser
import FacePipeline
import FaceStore
import Foundation

extension FRS {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add photos and videos (files or folders, recursively) to the library.",
            discussion: """
            Photos (jpg, jpeg, png, bmp, tif, tiff, webp) and videos (mp4, m4v, mov, avi, mkv, webm, mpg, \
            mpeg, wmv, 3gp, mts, m2ts) are recorded and queued for `frs detect`: a photo as one item, a \
            video as one item per sampled frame (one every --video-interval seconds). Files already known \
            and unchanged are skipped; a changed file is queued again; the same content under a second \
            path is reported and not queued twice. Folders are remembered for `frs watch`. When each file \
            was taken is read with it (EXIF DateTimeOriginal, a video's creation time); files added by an \
            older frs get theirs on the next add, from their headers only.
            """
        )

        @Argument(help: "Files or folders.", completion: .file()) var paths: [String]
        @OptionGroup var library: LibraryOptions
        @OptionGroup var dryRun: DryRunOption
        @OptionGroup var video: VideoOption

        func run() async throws {
            var settings = try library.settings()
            try video.apply(to: &settings)
            library.bootstrapLogging(settings)
            var problems = 0
            let files = MediaIndexer.mediaFiles(in: paths, excluding: [settings.dataDirectory.root]) { message in
                problems += 1
                Console.status("frs add: \(message)")
            }
            let summary = try await library.withStore(settings, dryRun: dryRun.dryRun) { store in
                let indexer = MediaIndexer(store: store, dryRun: dryRun.dryRun, videoInterval: settings.videoInterval,
                                           thumbnails: settings.dataDirectory)
                var summary = MediaIndexer.Summary()
                var progress = Progress(total: files.count, label: "files")
                for file in files {
                    switch try await indexer.add(file) {
                    case .added: summary.added += 1
                    case .unchanged: summary.unchanged += 1
                    case .changed: summary.changed += 1
                    case .duplicate(let original):
                        summary.duplicates += 1
                        Console.status("frs add: \(file.path): same content as \(original); not queued twice")
                    case .unreadable(let reason):
                        summary.unreadable += 1
                        Console.status("frs add: \(file.path): \(reason) (recorded; detection will mark it failed)")
                    }
                    progress.advance()
                }
                progress.finish()
                return summary
            }
            guard let summary else {
                print("dry run: the database does not exist yet; \(files.count) photo and video files would be added")
                return
            }
            if !dryRun.dryRun {
                try WatchedFolders(directory: settings.dataDirectory).remember(paths.filter { Self.isDirectory($0) })
            }
            let verb = dryRun.dryRun ? "would add" : "added"
            print("\(verb) \(summary.added), changed \(summary.changed), unchanged \(summary.unchanged), duplicates \(summary.duplicates), unreadable \(summary.unreadable)")
            if problems > 0 { throw ExitCode(1) }
        }

        static func isDirectory(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }
}
