import Foundation
import StoreTestSupport
import Testing
@testable import FaceStore

/// The ODBC layer without a SQL Server: unixODBC and FreeTDS load, a refused connection is a clear
/// error and not a hang, and driver diagnostics map to the kinds the store acts on.
@Suite("ODBC layer")
struct ODBCTests {
    /// A port on 127.0.0.1 that refuses connections: a socket bound to it without listening. The
    /// caller keeps the socket open while it connects, so that no other test's server can take the
    /// port in between (a server that accepts and never speaks TDS would make the connect wait).
    static func closedPort() throws -> (port: Int, socket: Int32) {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw TestSetupError(description: "could not bind a probe socket")
        }
        return (Int(UInt16(bigEndian: address.sin_port)), socket)
    }

    @Test("connecting through FreeTDS to a closed port fails with a clear message, and the pool stays usable")
    func closedPortFails() async throws {
        let (port, probe) = try Self.closedPort()
        defer { close(probe) }
        let store = try SQLServerStore(location: "mssql://frs:Secr3tPW@127.0.0.1:\(port)/frs?login_timeout=5")
        do {
            _ = try await store.schemaVersion()
            Issue.record("nothing listens on \(port): expected an error")
        } catch let error as FaceStoreError {
            #expect(error.reason == .database && error.backend == .sqlServer && error.operation == "schemaVersion")
            #expect(error.description.contains("cannot connect to SQL Server at 127.0.0.1:\(port) as frs"), "\(error)")
            #expect(error.description.contains("is the server up"), "\(error)")
            #expect(!error.description.contains("Secr3tPW"), "\(error)")
        }
        // The pool stays usable: the next call tries again and fails the same way.
        await #expect(throws: FaceStoreError.self) { try await store.statusCounts() }
        try await store.close()
        await #expect(throws: FaceStoreError.self) { try await store.statusCounts() }
    }

    @Test("a driver that is not installed is named, with what to install")
    func missingDriver() async throws {
        let store = try SQLServerStore(location: "mssql://frs:pw@127.0.0.1:1/frs", driver: "NoSuchDriver")
        do {
            _ = try await store.schemaVersion()
            Issue.record("expected an error")
        } catch let error as FaceStoreError {
            #expect(error.description.contains("the ODBC driver 'NoSuchDriver' is not installed"), "\(error)")
            #expect(error.description.contains("tdsodbc"), "\(error)")
        }
        try await store.close()
    }

    @Test("diagnostics map to unique violation, deadlock and connection loss", arguments: [
        ([ODBCDiagnostic(sqlState: "23000", nativeError: 2627, message: "Violation of PRIMARY KEY constraint")], ODBCError.Kind.uniqueViolation),
        ([ODBCDiagnostic(sqlState: "23000", nativeError: 2601, message: "Cannot insert duplicate key row")], .uniqueViolation),
        ([ODBCDiagnostic(sqlState: "01000", nativeError: 3621, message: "The statement has been terminated."),
          ODBCDiagnostic(sqlState: "23000", nativeError: 2627, message: "Violation of UNIQUE KEY constraint")], .uniqueViolation),
        ([ODBCDiagnostic(sqlState: "40001", nativeError: 1205, message: "chosen as the deadlock victim")], .deadlock),
        ([ODBCDiagnostic(sqlState: "HY000", nativeError: 1205, message: "deadlock")], .deadlock),
        ([ODBCDiagnostic(sqlState: "08S01", nativeError: 20004, message: "Read from the server failed")], .connection),
        ([ODBCDiagnostic(sqlState: "08001", nativeError: 0, message: "Unable to connect")], .connection),
        ([ODBCDiagnostic(sqlState: "42S02", nativeError: 208, message: "Invalid object name 'MediaItems'.")], .other),
        ([], .other),
    ])
    func classification(_ diagnostics: [ODBCDiagnostic], _ kind: ODBCError.Kind) {
        #expect(ODBCError(call: "execute", diagnostics: diagnostics).kind == kind)
    }

    @Test("error text keeps SQLSTATE, number and message, and drops quoted row values")
    func errorText() {
        let duplicate = ODBCError(call: "execute", diagnostics: [
            ODBCDiagnostic(sqlState: "01000", nativeError: 3621, message: "[FreeTDS][SQL Server]The statement has been terminated."),
            ODBCDiagnostic(sqlState: "23000", nativeError: 2627, message: """
                [FreeTDS][SQL Server]Violation of UNIQUE KEY constraint 'UX_MediaFile_FilePath'. Cannot insert duplicate \
                key in object 'dbo.MediaFile'. The duplicate key value is (/home/alice/private/photo.jpg).
                """),
        ])
        #expect(duplicate.description == """
            SQL Server [23000] error 2627: Violation of UNIQUE KEY constraint 'UX_MediaFile_FilePath'. Cannot insert \
            duplicate key in object 'dbo.MediaFile'.
            """)
        let truncated = ODBCError(call: "execute", diagnostics: [ODBCDiagnostic(sqlState: "22001", nativeError: 2628, message: """
            String or binary data would be truncated in table 'frs.dbo.Persons', column 'Name'. Truncated value: 'Alice Secret'.
            """)])
        #expect(!truncated.description.contains("Alice"))
        #expect(safeDetail(truncated).hasPrefix("SQL Server [22001] error 2628"))
    }

    @Test("placeholder counts of the statements with the most bound values")
    func placeholderCounts() {
        // The ODBC layer refuses a statement whose value count differs from these before sending it.
        #expect(TSQL.placeholderCount(SQLServerSQL.insertFace) == 10)
        // Nine columns, then the capture time (TSQL.instantParts: two) and its offset.
        #expect(TSQL.placeholderCount(SQLServerSQL.insertMediaFile) == 12)
        #expect(TSQL.placeholderCount(SQLServerSQL.setCaptureTime) == 5)
        #expect(TSQL.placeholderCount(SQLServerSQL.setBirthDate) == 2)
        #expect(TSQL.placeholderCount(SQLServerSQL.updateMediaFile) == 9)
        #expect(TSQL.placeholderCount(SQLServerSQL.historyForIds) == 5)
        #expect(TSQL.placeholderCount(SQLServerSQL.faceDetails(.person(1))) == 3)
        #expect(TSQL.placeholderCount(SQLServerSQL.faceDetails(.all)) == 2)
    }
}
