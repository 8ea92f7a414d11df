import Hummingbird

/// A request's query string, checked: a parameter the route does not take, or a value it cannot use,
/// is a 400 that names the parameter, never silently ignored.
struct QueryParameters {
    private let parameters: [(name: String, value: String)]

    /// `allowed`: the parameter names the route takes; `repeatable`: those of them that may come more than once.
    init(_ request: Request, allowed: Set<String>, repeatable: Set<String> = []) throws {
        parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        for (name, _) in parameters where !allowed.contains(name) {
            let takes = allowed.isEmpty ? "no parameters" : allowed.sorted().joined(separator: ", ")
            throw WebError.badRequest("unknown query parameter \"\(name)\": this address takes \(takes)")
        }
        var seen: Set<String> = []
        for (name, _) in parameters where !repeatable.contains(name) && !seen.insert(name).inserted {
            throw WebError.badRequest("query parameter \"\(name)\" is given more than once: give it once")
        }
    }

    func string(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

    /// Every value of a repeatable parameter, in order.
    func strings(_ name: String) -> [String] { parameters.filter { $0.name == name }.map(\.value) }

    /// Absent: false; "1"/"true": true; "0"/"false": false.
    func flag(_ name: String) throws -> Bool {
        switch string(name) {
        case nil, "0", "false": false
        case "1", "true": true
        case let value?: throw WebError.badRequest("query parameter \"\(name)\": '\(value)' is not 1 or 0 (true or false)")
        }
    }

    /// A row id: a whole number from 1 up.
    func id(_ name: String) throws -> Int64? {
        guard let value = string(name) else { return nil }
        guard let id = Int64(value), id > 0 else {
            throw WebError.badRequest("query parameter \"\(name)\": '\(value)' is not an id (a whole number from 1 up)")
        }
        return id
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = string(name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw WebError.badRequest("""
                query parameter "\(name)": '\(value)' is not a whole number from \(range.lowerBound) to \(range.upperBound)
                """)
        }
        return number
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let value = string(name) else { return nil }
        guard let choice = T(rawValue: value) else {
            let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw WebError.badRequest("query parameter \"\(name)\": '\(value)' is not one of \(choices)")
        }
        return choice
    }
}
