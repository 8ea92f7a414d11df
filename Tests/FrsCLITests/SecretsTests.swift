import FRSTestSupport
import Foundation
import Testing

/// Passwords in database locations never reach the terminal (issue 9 defect 8, issue 13).
@Suite("Secrets in output")
struct SecretsTests {
    /// An isolated home and data directory, so that no real config or library is read.
    static func isolated() throws -> (URL, [String: String]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("frs-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return (root, ["HOME": root.path, "FRS_DATA": root.appendingPathComponent("data").path, "FRS_CONFIG": root.appendingPathComponent("none.conf").path])
    }

    @Test("frs config show masks the password in every accepted form", arguments: [
        "postgres://frs:Hunter2Secret@db.internal:5432/frs",
        "postgres://frs@db.internal/frs?sslmode=require&password=Hunter2Secret",
        "postgres://frs:Hunt#er2Secret@db.internal/frs",
        "host=db.internal port=5432 dbname=frs user=frs password=Hunter2Secret",
        "host=db.internal dbname=frs user=frs password='Hunter2 Secret'",
        "mssql://sa:Hunter2Secret@sql.internal:1433/FRS",
        "DRIVER={SQL Server};SERVER=sql.internal;DATABASE=FRS;UID=sa;PWD=Hunter2Secret",
        "DRIVER={SQL Server};SERVER=sql.internal;DATABASE=FRS;UID=sa;PWD={Hunter2;Secret}",
    ])
    func configShow(_ location: String) async throws {
        let (root, environment) = try Self.isolated()
        defer { try? FileManager.default.removeItem(at: root) }
        for run in [["config", "show", "--database", location], ["config", "show"]] {
            let result = try await FRSBinary.run(run, environment: environment.merging(["FRS_DATABASE_URL": location]) { $1 })
            #expect(result.status == 0, "\(result.stderr)")
            let output = result.stdout + result.stderr
            #expect(!output.contains("Hunter2") && !output.contains("Secret"), "\(output)")
            #expect(output.contains("***"), "\(output)")
        }
    }

    @Test("a keyword string or ODBC string is never created as a SQLite file, nor echoed", arguments: [
        "host=127.0.0.1 port=1 dbname=frs user=frs password=Hunter2Secret connect_timeout=1",
        "DRIVER={SQL Server};SERVER=127.0.0.1,1;DATABASE=FRS;UID=sa;PWD=Hunter2Secret",
        "postgres://frs:Hunt#er2Secret@127.0.0.1:1/frs",
    ])
    func keywordStrings(_ location: String) async throws {
        let (root, environment) = try Self.isolated()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await FRSBinary.run(["people", "list", "--database", location], environment: environment)
        #expect(result.status != 0)
        let output = result.stdout + result.stderr
        #expect(!output.contains("Hunter2"), "\(output)")
        #expect(!output.contains("no library at"), "taken as a SQLite path: \(output)")
        // Nothing named after the string appeared in the working or data directory.
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        #expect(leftovers.allSatisfy { !$0.contains("password") && !$0.contains("PWD") }, "\(leftovers)")
    }
}
