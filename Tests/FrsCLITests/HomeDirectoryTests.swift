import FRSTestSupport
import Foundation
import Testing

@Suite("frs honours $HOME and the XDG variables")
struct HomeDirectoryTests {
    /// Issue 9, defect 15: the defaults came from the account's passwd home whatever `$HOME` said.
    @Test("with only $HOME set, the config file, data and models folders are under it")
    func defaultsFollowHome() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("frs-home-\(UUID().uuidString)")
        // Empty values count as unset, so the test does not depend on what the caller exported.
        let unset = ["FRS_CONFIG", "FRS_DATA", "FRS_MODELS", "FRS_DATABASE_URL", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"]
        var environment = Dictionary(uniqueKeysWithValues: unset.map { ($0, "") })
        environment["HOME"] = home.path
        let result = try await FRSBinary.run(["config", "show"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let values = Dictionary(lines.filter { $0.count >= 2 }.map { ($0[0], $0[1]) }) { a, _ in a }
        #expect(result.stdout.hasPrefix("config file: \(home.path)/.config/frs/config (not present)\n"), "\(result.stdout)")
        #expect(values["data_dir"] == "\(home.path)/.local/share/frs")
        #expect(values["database"] == "\(home.path)/.local/share/frs/frs.sqlite")
        #expect(values["models_dir"] == "\(home.path)/.cache/frs/models")
        #expect(!FileManager.default.fileExists(atPath: home.path), "config show creates nothing")
    }
}
