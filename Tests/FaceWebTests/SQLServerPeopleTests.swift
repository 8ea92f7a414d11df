import FaceStore
import Foundation
import StoreTestSupport
import Testing

/// The people commands on SQL Server. Every people and web test runs on SQL Server through
/// `TestBackends.all` when FRS_TEST_SQLSERVER_URL is set; this suite makes its absence visible:
/// without it, it reports itself skipped.
@Suite("SQL Server people", .serialized, .enabled(if: TestBackends.sqlServerURL != nil, TestBackends.sqlServerMissing))
struct SQLServerPeopleTests {
    @Test("list, show, rename, merge, move and delete through frs on a SQL Server library")
    func peopleCommands() async throws {
        let people = PeopleCLITests()
        try await people.listShowAndFaces(.sqlServer)
        try await people.renameMergeAndDryRuns(.sqlServer)
        try await people.moveUnassignHideDelete(.sqlServer)
    }
}
