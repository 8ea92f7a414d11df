import Foundation
import GRDB
import StoreTestSupport
import Testing
@testable import FaceStore

/// The embedding backlog and the faces of a stale model are found through their indexes, not by
/// reading every face: `frs run` asks for both on every cycle, and a face row holds a 2 KB embedding.
@Suite("SQLite query plans")
struct QueryPlanTests {
    static func plan(_ database: TestDatabase, _ condition: String, _ arguments: StatementArguments) throws -> String {
        let queue = try DatabaseQueue(path: database.location)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.faceLocationsSQL(where: condition), arguments: arguments)
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    @Test("faces of one embedding model and faces without an embedding are read through their indexes")
    func selectionsUseTheirIndexes() async throws {
        try await withStore(.sqlite) { _, database in
            let embedded = try Self.plan(database, SQLiteStore.embeddedCondition, ["facenet-20180408-102900", 0, 512])
            #expect(embedded.contains("USING INDEX IX_Faces_EmbeddingModel (EmbeddingModel=? AND rowid>?)"), "\(embedded)")
            let backlog = try Self.plan(database, SQLiteStore.withoutEmbeddingCondition, [0, 512])
            #expect(backlog.contains("IX_Faces_NoEmbedding"), "\(backlog)")
        }
    }
}
