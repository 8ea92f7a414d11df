import CODBC
import Foundation

// A small, synchronous layer over unixODBC: one connection, prepared statements with bound
// parameters, rows read by column name, and the driver's diagnostics. Every call blocks, so a
// connection is only ever used on its own thread (`ODBCWorker`), never on Swift's cooperative pool.

/// One diagnostic record of a failed ODBC call.
struct ODBCDiagnostic: Sendable, Equatable {
    /// Five-character SQLSTATE, e.g. "23000", "40001", "08001".
    var sqlState: String
    /// The server's error number (SQL Server: 2627, 1205, ...), 0 for driver-side errors.
    var nativeError: Int
    var message: String
}

/// A failed ODBC call with every diagnostic record the handle had.
struct ODBCError: Error, Sendable, CustomStringConvertible {
    enum Kind: Equatable {
        /// 2627 (unique constraint) or 2601 (unique index).
        case uniqueViolation
        /// 1205: chosen as deadlock victim; the transaction was rolled back and may be run again.
        case deadlock
        /// The server could not be reached or the connection is gone (SQLSTATE class 08, HYT00 at login).
        case connection
        case other
    }

    /// What was being done: "connect", "prepare", "execute", "fetch", "commit".
    var call: String
    var diagnostics: [ODBCDiagnostic]

    var kind: Kind { Self.classify(diagnostics) }

    /// SQL Server reports the error that matters first, but informational records (e.g. 3621 "The
    /// statement has been terminated") may come before or after it; any record decides.
    static func classify(_ diagnostics: [ODBCDiagnostic]) -> Kind {
        if diagnostics.contains(where: { $0.nativeError == 2627 || $0.nativeError == 2601 }) { return .uniqueViolation }
        if diagnostics.contains(where: { $0.nativeError == 1205 || $0.sqlState == "40001" }) { return .deadlock }
        if diagnostics.contains(where: { $0.sqlState.hasPrefix("08") }) { return .connection }
        return .other
    }

    /// The first record with a server error number, else the first record.
    var primary: ODBCDiagnostic? {
        diagnostics.first { $0.nativeError != 0 && $0.nativeError != 3621 } ?? diagnostics.first
    }

    /// Safe to print: the SQLSTATE, the server's error number and its message, with the parts of
    /// SQL Server's messages that quote row values removed (duplicate keys, truncated values).
    var description: String {
        guard let record = primary else { return "SQL Server \(call) failed without diagnostics" }
        return "SQL Server [\(record.sqlState)] error \(record.nativeError): \(Self.withoutValues(record.message))"
    }

    /// Drops the driver prefixes ("[FreeTDS][SQL Server]") and any quoted row value.
    static func withoutValues(_ message: String) -> String {
        var text = message
        while text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            text = String(text[text.index(after: end)...])
        }
        for marker in ["The duplicate key value is", "Truncated value:"] {
            if let range = text.range(of: marker) {
                text = String(text[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
        }
        return text
    }
}

/// A value bound to a `?` placeholder. Each case carries its SQL type even when nil, because SQL
/// Server refuses an untyped NULL where it cannot convert implicitly (e.g. into VARBINARY).
enum ODBCValue: Sendable, Equatable {
    case int(Int64?)
    case double(Double?)
    case bool(Bool?)
    case text(String?)
    case bytes(Data?)

    static func int(_ value: Int?) -> ODBCValue { .int(value.map(Int64.init)) }
}

/// A cell read from a result set.
enum ODBCCell: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bytes(Data)
    case date(Date)
}

/// One result row; columns are found by name (case-insensitive, as SQL Server's are) or position.
struct ODBCRow: Sendable {
    let names: [String]
    let cells: [ODBCCell]

    subscript(_ index: Int) -> ODBCCell { cells[index] }

    func cell(_ name: String) throws -> ODBCCell {
        guard let index = names.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
            throw ODBCDecodingError(column: name, expected: "a column of that name")
        }
        return cells[index]
    }

    func int64(_ name: String) throws -> Int64 {
        guard let value = try optionalInt64(name) else { throw ODBCDecodingError(column: name, expected: "an integer, not NULL") }
        return value
    }

    func optionalInt64(_ name: String) throws -> Int64? {
        switch try cell(name) {
        case .null: return nil
        case .int(let value): return value
        default: throw ODBCDecodingError(column: name, expected: "an integer")
        }
    }

    func int(_ name: String) throws -> Int { Int(try int64(name)) }
    func optionalInt(_ name: String) throws -> Int? { try optionalInt64(name).map { Int($0) } }

    func bool(_ name: String) throws -> Bool {
        guard let value = try optionalInt64(name) else { throw ODBCDecodingError(column: name, expected: "a BIT, not NULL") }
        return value != 0
    }

    func optionalDouble(_ name: String) throws -> Double? {
        switch try cell(name) {
        case .null: return nil
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: throw ODBCDecodingError(column: name, expected: "a number")
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = try optionalString(name) else { throw ODBCDecodingError(column: name, expected: "text, not NULL") }
        return value
    }

    func optionalString(_ name: String) throws -> String? {
        switch try cell(name) {
        case .null: return nil
        case .text(let value): return value
        default: throw ODBCDecodingError(column: name, expected: "text")
        }
    }

    func optionalData(_ name: String) throws -> Data? {
        switch try cell(name) {
        case .null: return nil
        case .bytes(let value): return value
        default: throw ODBCDecodingError(column: name, expected: "binary data")
        }
    }

    func optionalDate(_ name: String) throws -> Date? {
        switch try cell(name) {
        case .null: return nil
        case .date(let value): return value
        default: throw ODBCDecodingError(column: name, expected: "a DATETIME2")
        }
    }

    func date(_ name: String) throws -> Date {
        guard let value = try optionalDate(name) else { throw ODBCDecodingError(column: name, expected: "a DATETIME2, not NULL") }
        return value
    }
}

struct ODBCDecodingError: Error, Sendable, CustomStringConvertible {
    var column: String
    var expected: String
    var description: String { "column \(column): expected \(expected)" }
}

/// The process-wide ODBC environment handle (ODBC 3 behaviour). unixODBC's environment is
/// thread-safe; allocating it once avoids reloading the driver manager's configuration per connection.
private struct ODBCEnvironment: @unchecked Sendable {
    let handle: SQLHENV
}

private let odbcEnvironment: Result<ODBCEnvironment, ODBCError> = {
    var env: SQLHENV?
    let rc = SQLAllocHandle(SQLSMALLINT(SQL_HANDLE_ENV), nil, &env)
    guard succeeded(rc), let env else {
        return .failure(ODBCError(call: "allocate environment", diagnostics: [
            ODBCDiagnostic(sqlState: "HY000", nativeError: 0, message: "unixODBC could not allocate an environment"),
        ]))
    }
    SQLSetEnvAttr(env, SQLINTEGER(SQL_ATTR_ODBC_VERSION), UnsafeMutableRawPointer(bitPattern: Int(SQL_OV_ODBC3)), 0)
    return .success(ODBCEnvironment(handle: env))
}()

private func succeeded(_ rc: SQLRETURN) -> Bool {
    rc == SQLRETURN(SQL_SUCCESS) || rc == SQLRETURN(SQL_SUCCESS_WITH_INFO)
}

/// Every diagnostic record of a handle.
private func diagnostics(_ type: Int32, _ handle: SQLHANDLE?) -> [ODBCDiagnostic] {
    guard let handle else { return [] }
    var records: [ODBCDiagnostic] = []
    var number: SQLSMALLINT = 1
    while true {
        var state = [SQLCHAR](repeating: 0, count: 6)
        var native: SQLINTEGER = 0
        var message = [SQLCHAR](repeating: 0, count: 1024)
        var length: SQLSMALLINT = 0
        let rc = SQLGetDiagRec(SQLSMALLINT(type), handle, number, &state, &native, &message, SQLSMALLINT(message.count), &length)
        guard succeeded(rc) else { break }
        let text = String(decoding: message.prefix(min(Int(length), message.count - 1)), as: UTF8.self)
        records.append(ODBCDiagnostic(sqlState: String(decoding: state.prefix(5), as: UTF8.self),
                                      nativeError: Int(native), message: text))
        number += 1
    }
    return records
}

/// One ODBC connection. Not thread-safe: used only by the thread of the `ODBCWorker` that owns it.
final class ODBCConnection {
    private var dbc: SQLHDBC?
    /// Set when a call failed with a connection error: the owner reconnects before the next use.
    private(set) var isBroken = false

    /// Connects with a complete ODBC connection string (driver, server, credentials). Autocommit is
    /// turned off, so every statement runs in a transaction that `commit` or `rollback` ends.
    init(connectionString: String, loginTimeoutSeconds: Int) throws {
        let env = try odbcEnvironment.get().handle
        var dbc: SQLHDBC?
        guard succeeded(SQLAllocHandle(SQLSMALLINT(SQL_HANDLE_DBC), env, &dbc)), let dbc else {
            throw ODBCError(call: "allocate connection", diagnostics: diagnostics(SQL_HANDLE_ENV, env))
        }
        self.dbc = dbc
        // Without a timeout an unreachable address blocks the thread for minutes.
        SQLSetConnectAttr(dbc, SQLINTEGER(SQL_ATTR_LOGIN_TIMEOUT), UnsafeMutableRawPointer(bitPattern: max(1, loginTimeoutSeconds)), 0)
        var text = Array(connectionString.utf8)
        let rc = SQLDriverConnect(dbc, nil, &text, SQLSMALLINT(text.count), nil, 0, nil, SQLUSMALLINT(SQL_DRIVER_NOPROMPT))
        // The string holds the password: wipe our copy now.
        for i in text.indices { text[i] = 0 }
        guard succeeded(rc) else {
            let error = ODBCError(call: "connect", diagnostics: diagnostics(SQL_HANDLE_DBC, dbc))
            SQLFreeHandle(SQLSMALLINT(SQL_HANDLE_DBC), dbc)
            self.dbc = nil
            throw error
        }
    }

    deinit { close() }

    func close() {
        guard let dbc else { return }
        SQLEndTran(SQLSMALLINT(SQL_HANDLE_DBC), dbc, SQLSMALLINT(SQL_ROLLBACK))
        SQLDisconnect(dbc)
        SQLFreeHandle(SQLSMALLINT(SQL_HANDLE_DBC), dbc)
        self.dbc = nil
    }

    private func check(_ rc: SQLRETURN, _ call: String, _ type: Int32, _ handle: SQLHANDLE?) throws {
        guard !succeeded(rc) else { return }
        let error = ODBCError(call: call, diagnostics: diagnostics(type, handle))
        if error.kind == .connection { isBroken = true }
        throw error
    }

    func setAutocommit(_ on: Bool) throws {
        let value = on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF
        try check(SQLSetConnectAttr(dbc, SQLINTEGER(SQL_ATTR_AUTOCOMMIT), UnsafeMutableRawPointer(bitPattern: Int(value)),
                                    SQLINTEGER(SQL_IS_UINTEGER)), "set autocommit", SQL_HANDLE_DBC, dbc)
    }

    func commit() throws {
        try check(SQLEndTran(SQLSMALLINT(SQL_HANDLE_DBC), dbc, SQLSMALLINT(SQL_COMMIT)), "commit", SQL_HANDLE_DBC, dbc)
    }

    /// Never throws: after a failure the server may already have rolled back (XACT_ABORT).
    func rollback() {
        if let dbc { SQLEndTran(SQLSMALLINT(SQL_HANDLE_DBC), dbc, SQLSMALLINT(SQL_ROLLBACK)) }
    }

    /// Runs a statement and collects the rows of its first result set (later ones are drained).
    func rows(_ sql: String, _ values: [ODBCValue] = []) throws -> [ODBCRow] {
        var rows: [ODBCRow] = []
        try forEachRow(sql, values) { rows.append($0) }
        return rows
    }

    /// Runs a statement that returns no rows (or whose rows are not needed).
    func run(_ sql: String, _ values: [ODBCValue] = []) throws {
        try forEachRow(sql, values) { _ in }
    }

    /// Runs a statement and hands each row of its first result set to `body` as it is fetched, so a
    /// large result is never held twice.
    func forEachRow(_ sql: String, _ values: [ODBCValue], _ body: (ODBCRow) throws -> Void) throws {
        let placeholders = TSQL.placeholderCount(sql)
        guard placeholders == values.count else {
            throw ODBCError(call: "bind", diagnostics: [ODBCDiagnostic(
                sqlState: "07002", nativeError: 0,
                message: "statement has \(placeholders) placeholders but \(values.count) values were given")])
        }
        var stmt: SQLHSTMT?
        try check(SQLAllocHandle(SQLSMALLINT(SQL_HANDLE_STMT), dbc, &stmt), "allocate statement", SQL_HANDLE_DBC, dbc)
        defer { SQLFreeHandle(SQLSMALLINT(SQL_HANDLE_STMT), stmt) }
        var text = Array(sql.utf8)
        let buffers = ParameterBuffers(values)
        defer { buffers.release() }
        let rc: SQLRETURN
        if values.isEmpty {
            // A batch without parameters goes as it is (a TDS language batch): SET options and
            // DDL then act on the session, not only inside a prepared statement's scope.
            rc = SQLExecDirect(stmt, &text, SQLINTEGER(text.count))
        } else {
            try check(SQLPrepare(stmt, &text, SQLINTEGER(text.count)), "prepare", SQL_HANDLE_STMT, stmt)
            for (index, parameter) in buffers.parameters.enumerated() {
                try check(SQLBindParameter(stmt, SQLUSMALLINT(index + 1), SQLSMALLINT(SQL_PARAM_INPUT), parameter.cType,
                                           parameter.sqlType, parameter.columnSize, 0, parameter.pointer,
                                           parameter.bufferLength, parameter.indicator),
                          "bind", SQL_HANDLE_STMT, stmt)
            }
            rc = SQLExecute(stmt)
        }
        if rc == SQLRETURN(SQL_NO_DATA) { return } // e.g. an UPDATE that matched nothing
        try check(rc, "execute", SQL_HANDLE_STMT, stmt)
        var firstResult = true
        repeat {
            var columnCount: SQLSMALLINT = 0
            try check(SQLNumResultCols(stmt, &columnCount), "describe", SQL_HANDLE_STMT, stmt)
            if columnCount > 0 {
                let columns = try (1...Int(columnCount)).map { try describe(stmt, $0) }
                while true {
                    let fetched = SQLFetch(stmt)
                    if fetched == SQLRETURN(SQL_NO_DATA) { break }
                    try check(fetched, "fetch", SQL_HANDLE_STMT, stmt)
                    let cells = try columns.enumerated().map { try read(stmt, $0.offset + 1, $0.element.type) }
                    if firstResult { try body(ODBCRow(names: columns.map(\.name), cells: cells)) }
                }
                firstResult = false
            }
            // Errors raised after the first result (e.g. by a later statement of a batch) arrive here.
            let more = SQLMoreResults(stmt)
            if more == SQLRETURN(SQL_NO_DATA) { break }
            try check(more, "execute", SQL_HANDLE_STMT, stmt)
        } while true
    }

    private func describe(_ stmt: SQLHSTMT?, _ column: Int) throws -> (name: String, type: SQLSMALLINT) {
        var name = [SQLCHAR](repeating: 0, count: 256)
        var nameLength: SQLSMALLINT = 0, type: SQLSMALLINT = 0, digits: SQLSMALLINT = 0, nullable: SQLSMALLINT = 0
        var size: SQLULEN = 0
        try check(SQLDescribeCol(stmt, SQLUSMALLINT(column), &name, SQLSMALLINT(name.count), &nameLength, &type, &size,
                                 &digits, &nullable), "describe", SQL_HANDLE_STMT, stmt)
        return (String(decoding: name.prefix(min(Int(nameLength), name.count - 1)), as: UTF8.self), type)
    }

    /// Reads one cell, choosing the C type from the column's SQL type.
    private func read(_ stmt: SQLHSTMT?, _ column: Int, _ type: SQLSMALLINT) throws -> ODBCCell {
        switch Int32(type) {
        case SQL_BIGINT, SQL_INTEGER, SQL_SMALLINT, SQL_TINYINT, SQL_BIT:
            var value: Int64 = 0
            var indicator: SQLLEN = 0
            try check(SQLGetData(stmt, SQLUSMALLINT(column), FRS_SQL_C_SBIGINT, &value, 8, &indicator), "fetch", SQL_HANDLE_STMT, stmt)
            return indicator == FRS_SQL_NULL_DATA ? .null : .int(value)
        case SQL_DOUBLE, SQL_FLOAT, SQL_REAL, SQL_DECIMAL, SQL_NUMERIC:
            var value: Double = 0
            var indicator: SQLLEN = 0
            try check(SQLGetData(stmt, SQLUSMALLINT(column), FRS_SQL_C_DOUBLE, &value, 8, &indicator), "fetch", SQL_HANDLE_STMT, stmt)
            return indicator == FRS_SQL_NULL_DATA ? .null : .double(value)
        case SQL_TYPE_TIMESTAMP, SQL_DATETIME:
            var value = SQL_TIMESTAMP_STRUCT()
            var indicator: SQLLEN = 0
            try check(SQLGetData(stmt, SQLUSMALLINT(column), FRS_SQL_C_TYPE_TIMESTAMP, &value,
                                 SQLLEN(MemoryLayout<SQL_TIMESTAMP_STRUCT>.size), &indicator), "fetch", SQL_HANDLE_STMT, stmt)
            return indicator == FRS_SQL_NULL_DATA ? .null : .date(Self.date(value))
        case SQL_BINARY, SQL_VARBINARY, SQL_LONGVARBINARY:
            return try readChunks(stmt, column, FRS_SQL_C_BINARY, terminator: 0).map { .bytes($0) } ?? .null
        default:
            // Text of every kind, read as UTF-16 so NVARCHAR arrives intact whatever the client charset.
            guard let data = try readChunks(stmt, column, FRS_SQL_C_WCHAR, terminator: 2) else { return .null }
            let units = data.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
            return .text(String(decoding: units, as: UTF16.self))
        }
    }

    /// Reads a variable-length cell piece by piece (SQLGetData returns 01004 while data is left).
    /// `terminator`: bytes of the NUL the driver writes after text in each piece.
    private func readChunks(_ stmt: SQLHSTMT?, _ column: Int, _ cType: SQLSMALLINT, terminator: Int) throws -> Data? {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            var indicator: SQLLEN = 0
            let rc = SQLGetData(stmt, SQLUSMALLINT(column), cType, &buffer, SQLLEN(buffer.count), &indicator)
            if rc == SQLRETURN(SQL_NO_DATA) { break }
            try check(rc, "fetch", SQL_HANDLE_STMT, stmt)
            if indicator == FRS_SQL_NULL_DATA { return nil }
            let room = buffer.count - terminator
            let count = (indicator == FRS_SQL_NO_TOTAL || Int(indicator) > room) ? room : Int(indicator)
            result.append(contentsOf: buffer.prefix(count))
            if rc == SQLRETURN(SQL_SUCCESS) { break }
        }
        return result
    }

    /// DATETIME2 values are written by SYSUTCDATETIME(), so they are read as UTC.
    static func date(_ t: SQL_TIMESTAMP_STRUCT) -> Date {
        var components = DateComponents()
        components.year = Int(t.year)
        components.month = Int(t.month)
        components.day = Int(t.day)
        components.hour = Int(t.hour)
        components.minute = Int(t.minute)
        components.second = Int(t.second)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let whole = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
        return whole.addingTimeInterval(Double(t.fraction) / 1_000_000_000)
    }
}

/// Heap buffers for bound parameters; they must stay valid until SQLExecute returns.
private final class ParameterBuffers {
    struct Parameter {
        var cType: SQLSMALLINT
        var sqlType: SQLSMALLINT
        var columnSize: SQLULEN
        var pointer: UnsafeMutableRawPointer?
        var bufferLength: SQLLEN
        var indicator: UnsafeMutablePointer<SQLLEN>
    }

    private(set) var parameters: [Parameter] = []

    init(_ values: [ODBCValue]) {
        for value in values { parameters.append(Self.make(value)) }
    }

    private static func make(_ value: ODBCValue) -> Parameter {
        let indicator = UnsafeMutablePointer<SQLLEN>.allocate(capacity: 1)
        func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 8)
            if let base = bytes.baseAddress { pointer.copyMemory(from: base, byteCount: bytes.count) }
            return pointer
        }
        func parameter(_ c: SQLSMALLINT, _ sql: Int32, _ size: Int, _ bytes: UnsafeRawBufferPointer?) -> Parameter {
            guard let bytes else {
                indicator.pointee = FRS_SQL_NULL_DATA
                return Parameter(cType: c, sqlType: SQLSMALLINT(sql), columnSize: SQLULEN(max(1, size)), pointer: nil,
                                 bufferLength: 0, indicator: indicator)
            }
            indicator.pointee = SQLLEN(bytes.count)
            return Parameter(cType: c, sqlType: SQLSMALLINT(sql), columnSize: SQLULEN(max(1, size)), pointer: copy(bytes),
                             bufferLength: SQLLEN(bytes.count), indicator: indicator)
        }
        switch value {
        case .int(let v):
            return withUnsafeBytes(of: v ?? 0) { parameter(FRS_SQL_C_SBIGINT, SQL_BIGINT, 19, v == nil ? nil : $0) }
        case .double(let v):
            return withUnsafeBytes(of: v ?? 0) { parameter(FRS_SQL_C_DOUBLE, SQL_DOUBLE, 15, v == nil ? nil : $0) }
        case .bool(let v):
            let bit: UInt8 = (v ?? false) ? 1 : 0
            return withUnsafeBytes(of: bit) { parameter(FRS_SQL_C_BIT, SQL_BIT, 1, v == nil ? nil : $0) }
        case .text(let v):
            // NVARCHAR up to 4000 characters; longer text goes as NVARCHAR(MAX).
            let units = Array((v ?? "").utf16)
            let type = units.count > 4000 ? SQL_WLONGVARCHAR : SQL_WVARCHAR
            return units.withUnsafeBytes { parameter(FRS_SQL_C_WCHAR, type, units.count, v == nil ? nil : $0) }
        case .bytes(let v):
            let data = v ?? Data()
            let type = data.count > 8000 ? SQL_LONGVARBINARY : SQL_VARBINARY
            return data.withUnsafeBytes { parameter(FRS_SQL_C_BINARY, type, data.count, v == nil ? nil : $0) }
        }
    }

    func release() {
        for parameter in parameters {
            parameter.pointer?.deallocate()
            parameter.indicator.deallocate()
        }
        parameters = []
    }
}
