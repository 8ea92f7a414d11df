import Foundation

extension SQLServerStore {
    /// Runs `body` while this process holds the library-wide recognition lock, so that two
    /// clustering runs on one database serialise. The lock is an application lock owned by a
    /// session of its own (a dedicated connection, autocommit on, outside the pool): SQL Server
    /// releases it when that session ends, so a holder that is killed frees it at once.
    /// `waiting` is called once when another process holds it; then this one waits its turn.
    public func withRecognitionLock<T: Sendable>(waiting: @Sendable () -> Void,
                                                 _ body: @Sendable () async throws -> T) async throws -> T {
        let session = dedicatedSession("lock")
        do {
            let granted = try await storeOperation("withRecognitionLock", .sqlServer) {
                try await session.perform { db in try Self.takeRecognitionLock(db, wait: false) }
            }
            if !granted {
                waiting()
                _ = try await storeOperation("withRecognitionLock", .sqlServer) {
                    try await session.perform { db in try Self.takeRecognitionLock(db, wait: true) }
                }
            }
            let result: T
            do {
                result = try await body()
            } catch {
                await release(session)
                throw error
            }
            await release(session)
            return result
        } catch {
            await session.shutdown()
            throw error
        }
    }

    /// True when granted; false when `wait` is false and another session holds it.
    static func takeRecognitionLock(_ db: ODBCConnection, wait: Bool) throws -> Bool {
        let code = try db.rows(SQLServerSQL.recognitionLock, [.int(wait ? -1 : 0)]).first?.int("Result") ?? -999
        switch code {
        case 0, 1: return true
        case -1 where !wait: return false
        default:
            // -2 cancelled, -3 deadlock victim, -999 parameter error (sp_getapplock's return codes).
            throw FaceStoreError(.database, operation: "", backend: .sqlServer,
                                 detail: "sp_getapplock for the recognition lock returned \(code)")
        }
    }

    /// A connection of its own, outside the pool, with autocommit on: for a session-owned lock, and
    /// for statements SQL Server refuses inside a transaction (CREATE and DROP DATABASE).
    func dedicatedSession(_ name: String) -> ODBCWorker {
        ODBCWorker(name: "frs-sqlserver-\(name)", connect: Self.connector(target: target, driver: driver, autocommit: true))
    }

    /// Runs one batch on a dedicated autocommit session (see `dedicatedSession`): administration
    /// such as creating a database, which cannot run in a transaction. `package`: the tests'
    /// StoreTestSupport creates and drops their databases with it.
    package func executeOutsideTransaction(_ sql: String) async throws {
        let session = dedicatedSession("admin")
        do {
            try await storeOperation("execute", .sqlServer) {
                try await session.perform { db in try db.run(sql) }
            }
        } catch {
            await session.shutdown()
            throw error
        }
        await session.shutdown()
    }

    /// Releases the lock and ends its session (ending the session alone would release it too).
    private func release(_ session: ODBCWorker) async {
        _ = try? await session.perform { db in try db.run(SQLServerSQL.recognitionUnlock) }
        await session.shutdown()
    }
}
