import FaceStore
import Foundation

/// The `next` of a page and the `after` of the request for the page after it: an opaque token
/// (base64url of a few fields) that says where the previous page ended, so every page is read with
/// an index range instead of skipping rows. A token that does not parse is refused by name.
enum PageCursor {
    static func encode(_ fields: [String]) -> String {
        Data(fields.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The fields of `token`, which must have `kind` as its first field and `count` fields in all.
    static func decode(_ token: String, kind: String, count: Int) throws -> [String] {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.count <= 2048, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw PeopleError.invalidCursor
        }
        let fields = text.components(separatedBy: "\u{1F}")
        guard fields.count == count, fields.first == kind else { throw PeopleError.invalidCursor }
        return fields
    }

    /// A number that survives the round trip exactly (its bits).
    static func text(_ value: Double) -> String { String(value.bitPattern, radix: 16) }
    static func double(_ text: String) throws -> Double {
        guard let bits = UInt64(text, radix: 16) else { throw PeopleError.invalidCursor }
        return Double(bitPattern: bits)
    }
    static func int64(_ text: String) throws -> Int64 {
        guard let value = Int64(text) else { throw PeopleError.invalidCursor }
        return value
    }

    // MARK: The cursors of each list

    static func person(_ key: PersonKey, order: PersonOrder) -> String {
        encode(["p" + order.rawValue, String(key.id), String(key.faceCount), key.sortName, key.modifiedAt])
    }

    static func personKey(_ token: String, order: PersonOrder) throws -> PersonKey {
        let f = try decode(token, kind: "p" + order.rawValue, count: 5)
        guard let faces = Int(f[2]) else { throw PeopleError.invalidCursor }
        // The time text goes to the database as a bound value, so it must look like one.
        guard f[4].count <= 40, f[4].allSatisfy({ $0.isNumber || "-:. TZ+".contains($0) }) else { throw PeopleError.invalidCursor }
        return PersonKey(id: try int64(f[1]), faceCount: faces, sortName: f[3], modifiedAt: f[4])
    }

    static func face(_ id: Int64) -> String { encode(["f", String(id)]) }
    static func faceId(_ token: String) throws -> Int64 { try int64(try decode(token, kind: "f", count: 2)[1]) }

    /// A ranked list: where the previous page ended (its last score and id).
    static func ranked(_ kind: String, score: Float, id: Int64, second: Int64 = 0) -> String {
        encode([kind, text(Double(score)), String(id), String(second)])
    }

    static func rank(_ token: String, kind: String) throws -> (score: Float, id: Int64, second: Int64) {
        let f = try decode(token, kind: kind, count: 4)
        return (Float(try double(f[1])), try int64(f[2]), try int64(f[3]))
    }

    static func media(_ key: MediaKey, order: MediaOrder) -> String {
        encode(["m" + order.rawValue, String(key.id), key.capturedAt.map { text($0.timeIntervalSince1970) } ?? ""])
    }

    static func mediaKey(_ token: String, order: MediaOrder) throws -> MediaKey {
        let f = try decode(token, kind: "m" + order.rawValue, count: 3)
        return MediaKey(id: try int64(f[1]), capturedAt: f[2].isEmpty ? nil : Date(timeIntervalSince1970: try double(f[2])))
    }
}
