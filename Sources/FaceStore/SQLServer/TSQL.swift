import Foundation

/// Helpers for the T-SQL dialect: placeholder counting and the JSON that carries id lists.
enum TSQL {
    /// The `?` placeholders of a statement, not counting any inside string literals, quoted
    /// identifiers or comments.
    static func placeholderCount(_ sql: String) -> Int {
        var count = 0
        var chars = Array(sql)[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            switch c {
            case "?":
                count += 1
            case "'", "\"", "[":
                let close: Character = c == "[" ? "]" : c
                // A doubled closing character stands for itself.
                while let d = chars.first {
                    chars = chars.dropFirst()
                    if d == close {
                        if chars.first == close { chars = chars.dropFirst() } else { break }
                    }
                }
            case "-" where chars.first == "-":
                while let d = chars.first, d != "\n" { chars = chars.dropFirst() }
            case "/" where chars.first == "*":
                chars = chars.dropFirst()
                while let d = chars.first {
                    chars = chars.dropFirst()
                    if d == "*", chars.first == "/" { chars = chars.dropFirst(); break }
                }
            default:
                break
            }
        }
        return count
    }

    /// A JSON array of ids for `OPENJSON(?)`: one bound parameter however many ids, where a
    /// parameter per id would hit SQL Server's limit of 2100 parameters per request.
    static func jsonArray(_ ids: [Int64]) -> ODBCValue {
        .text("[" + ids.map(String.init).joined(separator: ",") + "]")
    }

    /// The rows of `OPENJSON(?)` over `jsonArray`, as a subquery of BIGINT ids.
    static let idsFromJSON = #"SELECT CAST(j."value" AS BIGINT) FROM OPENJSON(?) j"#

    /// Whole seconds and the milliseconds left over, for `leaseExpiry` (DATEADD takes an INT).
    static func leaseParts(_ seconds: Double) -> [ODBCValue] {
        let clamped = min(max(seconds, 0), Double(Int32.max))
        let whole = clamped.rounded(.down)
        return [.int(Int64(((clamped - whole) * 1000).rounded())), .int(Int64(whole))]
    }

    /// Server time plus a lease: binds `leaseParts` (milliseconds, then seconds).
    static let leaseExpiry = "DATEADD(MILLISECOND, CAST(? AS INT), DATEADD(SECOND, CAST(? AS INT), SYSUTCDATETIME()))"

    /// An instant as DATETIME2(0) (UTC, whole seconds) from `instantParts`: seconds into the day, then
    /// days since 1970 (DATEADD takes an INT, too small for seconds since 1970 after 2038). NULL binds NULL.
    static let instant = "DATEADD(SECOND, CAST(? AS INT), DATEADD(DAY, CAST(? AS INT), CAST(N'1970-01-01' AS DATETIME2(0))))"

    static func instantParts(_ date: Date?) -> [ODBCValue] {
        guard let date else { return [.int(nil as Int64?), .int(nil as Int64?)] }
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, rest) = (seconds.floorDiv(86_400), seconds.floorMod(86_400))
        return [.int(rest), .int(days)]
    }

    /// A calendar day bound as 'YYYY-MM-DD' text: CONVERT style 23 reads exactly that, whatever the
    /// session's language and date format.
    static let day = "CONVERT(DATE, ?, 23)"
}

private extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
    func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}

