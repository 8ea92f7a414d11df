import FaceVision
import Foundation
import Testing
@testable import FacePipeline

@Suite("Settings: defaults, config file, environment, flags")
struct SettingsTests {
    /// A config file in a fresh folder; removed when the test's folder is.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frs-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("the default folders follow $HOME, not the account's passwd home")
    func homeIsHonoured() throws {
        let settings = try Settings.load(environment: ["HOME": "/tmp/frs-home-test"])
        #expect(settings.configFile.path == "/tmp/frs-home-test/.config/frs/config")
        #expect(settings.dataDirectory.root.path == "/tmp/frs-home-test/.local/share/frs")
        #expect(settings.modelsDirectory.path == "/tmp/frs-home-test/.cache/frs/models")
        #expect(settings.database == "/tmp/frs-home-test/.local/share/frs/frs.sqlite")
    }

    @Test("absolute XDG variables win over $HOME; relative ones are ignored, as the XDG spec says")
    func xdgVariables() throws {
        let settings = try Settings.load(environment: [
            "HOME": "/tmp/h", "XDG_CONFIG_HOME": "/tmp/xc", "XDG_DATA_HOME": "/tmp/xd", "XDG_CACHE_HOME": "relative/cache",
        ])
        #expect(settings.configFile.path == "/tmp/xc/frs/config")
        #expect(settings.dataDirectory.root.path == "/tmp/xd/frs")
        #expect(settings.modelsDirectory.path == "/tmp/h/.cache/frs/models")
    }

    @Test("defaults, then the file, then FRS_* variables, then flags; each remembers its source")
    func layering() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("config")
        try """
            # comment
            threshold = 0.8
            workers = 3   # trailing comment
            data-dir = "/tmp/from-file"
            """.write(to: file, atomically: true, encoding: .utf8)
        var settings = try Settings.load(configFile: file, environment: ["HOME": folder.path, "FRS_WORKERS": "5"])
        #expect(settings.detection.threshold == 0.8)
        #expect(settings.workers == 5)
        #expect(settings.dataDirectory.root.path == "/tmp/from-file")
        #expect(settings.thumbnailSize == 160)
        try settings.set(.workers, "7", source: .flag)
        #expect(settings.workers == 7)
        let sources = Dictionary(uniqueKeysWithValues: settings.described.map { ($0.key, $0.source) })
        #expect(sources["threshold"] == "file")
        #expect(sources["workers"] == "flag")
        #expect(sources["thumbnail_size"] == "default")
    }

    @Test("FRS_CONFIG names the config file")
    func configVariable() throws {
        let settings = try Settings.load(environment: ["HOME": "/tmp/h", "FRS_CONFIG": "/tmp/elsewhere.conf"])
        #expect(settings.configFile.path == "/tmp/elsewhere.conf")
    }

    @Test("a bad value says which key, what was given and what is expected; a secret is not echoed")
    func badValues() throws {
        var settings = Settings(locations: StandardLocations(environment: ["HOME": "/tmp/h"]))
        #expect(throws: SettingsError.self) { try settings.set(.workers, "100", source: .flag) }
        do {
            try settings.set(.threshold, "1.5", source: .flag)
            Issue.record("1.5 was accepted as a threshold")
        } catch let error as SettingsError {
            #expect(error.description == "threshold = 1.5: expected a number between 0 and 1")
        }
        do {
            try settings.set(.webToken, "", source: .flag)
            Issue.record("an empty token was accepted")
        } catch let error as SettingsError {
            #expect(error.description == "web_token = ***: expected a value")
        }
        #expect(settings.workers == Settings.defaultWorkers && settings.detection.threshold == 0.9, "a rejected value changes nothing")
    }

    @Test("a line that is not `key = value` names the file and line")
    func badLine() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("config")
        try "threshold = 0.8\nthreshhold = 0.7\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try Settings.load(configFile: file, environment: ["HOME": folder.path])
            Issue.record("the misspelt key was accepted")
        } catch let error as SettingsError {
            #expect(error.description.hasPrefix("\(file.path):2: expected `key = value` with one of: database, data_dir"))
        }
    }

    @Test("the web token comes from FRS_WEB_TOKEN and is masked when shown")
    func webToken() throws {
        let settings = try Settings.load(environment: ["HOME": "/tmp/h", "FRS_WEB_TOKEN": "0123456789abcdef0123"])
        #expect(settings.webToken == "0123456789abcdef0123")
        let shown = settings.described.first { $0.key == "web_token" }
        #expect(shown?.value == "***" && shown?.source == "environment")
    }

    @Test("the detector options: the detector's defaults, max_side as the upper bound, --side exact")
    func detectorOptions() throws {
        var detection = Settings.Detection()
        #expect(detection.detectorOptions() == RetinaFace.Options())
        detection.maxSide = 480
        #expect(detection.detectorOptions().longerSide == 480...480)
        detection.maxSide = 2048
        #expect(detection.detectorOptions().longerSide == 640...2048)
        #expect(detection.detectorOptions(side: 800).longerSide == 800...800)
    }
}
