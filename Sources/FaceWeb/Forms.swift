import Foundation
import NIOCore

/// Fields of an `application/x-www-form-urlencoded` or `multipart/form-data` body. Parsed by hand: the
/// pages post a handful of small fields and at most one file, which does not justify a dependency.
struct FormData: Sendable {
    var fields: [(name: String, value: String)] = []
    var files: [String: Data] = [:]

    func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    func ids(_ name: String) throws -> [Int64] {
        try values(name).flatMap { $0.split(whereSeparator: { $0 == "," || $0 == " " }) }.map { text in
            guard let id = Int64(text) else { throw WebError.badRequest("\(name): '\(text)' is not an id") }
            return id
        }
    }

    init(fields: [(name: String, value: String)] = [], files: [String: Data] = [:]) {
        self.fields = fields
        self.files = files
    }

    /// nil when the content type is neither form encoding.
    init?(contentType: String?, body: ByteBuffer) throws {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            self.init(fields: Self.urlEncoded(String(buffer: body)))
        } else if type.hasPrefix("multipart/form-data") {
            guard let boundary = Self.parameter("boundary", in: contentType ?? "") else {
                throw WebError.badRequest("multipart body without a boundary")
            }
            self.init()
            try parseMultipart(Data(buffer: body), boundary: boundary)
        } else {
            return nil
        }
    }

    static func urlEncoded(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Parts are split at "--boundary"; each has headers, a blank line, then its content.
    private mutating func parseMultipart(_ body: Data, boundary: String) throws {
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var cursor = body.startIndex
        guard let first = body.range(of: delimiter, in: cursor..<body.endIndex) else {
            throw WebError.badRequest("multipart body does not contain its boundary")
        }
        cursor = first.upperBound
        while let next = body.range(of: delimiter, in: cursor..<body.endIndex) {
            let part = body[cursor..<next.lowerBound]
            cursor = next.upperBound
            guard let split = part.range(of: headerEnd) else { continue }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            var content = part[split.upperBound..<part.endIndex]
            if content.suffix(2) == Data("\r\n".utf8) { content = content.dropLast(2) }
            guard let disposition = headers.split(separator: "\r\n").first(where: {
                $0.lowercased().hasPrefix("content-disposition:")
            }), let name = Self.parameter("name", in: String(disposition)) else { continue }
            if Self.parameter("filename", in: String(disposition)) != nil {
                files[name] = Data(content)
            } else {
                fields.append((name, String(decoding: content, as: UTF8.self)))
            }
        }
    }
}
