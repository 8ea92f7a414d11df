import FacePipeline
import Foundation

// What the commands print, in one place: tables for people, JSON and CSV for scripts.

enum Table {
    /// Left-aligned columns separated by two spaces. Cells are escaped (`Printable`): a file name
    /// with escape sequences must not repaint the terminal.
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows.map { $0.map(Printable.escaped) }
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

enum JSONOutput {
    /// Compact JSON with sorted keys. JSON escapes control characters itself.
    static func string(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

enum CSV {
    /// One record (RFC 4180), without the line break.
    static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }

    /// Quotes a field when it holds a comma, a quote or a line break (`\r` or `\n`, alone or as
    /// CRLF, which Swift sees as one Character: the test is on scalars). Values are kept exact,
    /// control characters included: CSV is for programs, not for the terminal.
    static func field(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
