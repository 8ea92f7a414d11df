import Foundation
import Hummingbird

enum Responses {
    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func data(_ data: Data, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "private, max-age=300"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The stylesheet and the script: the content security policy allows no inline ones.
    static func asset(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func json(error: WebError) -> Response {
        (try? json(["error": error.message], status: error.status)) ?? Response(status: error.status)
    }

    /// 303: the browser follows with a GET, so reloading the next page does not post again.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func errorPage(_ error: WebError) -> Response {
        html(Layout.page(title: "Error", csrf: nil, content: """
            <h1>\(error.status.code) \(HTML.escape(error.status.reasonPhrase))</h1>
            <p class="error">\(HTML.escape(error.message))</p><p><a href="/">Back to people</a></p>
            """), status: error.status)
    }
}

enum HTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A query-string value.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func csrfField(_ token: String) -> String {
        #"<input type="hidden" name="csrf" value="\#(escape(token))">"#
    }

    /// A POST form with its CSRF field, for one-button actions.
    static func button(_ label: String, action: String, csrf: String, danger: Bool = false, confirm: String? = nil) -> String {
        let confirmation = confirm.map { #" data-confirm="\#(escape($0))""# } ?? ""
        return """
            <form method="post" action="\(escape(action))" class="inline"\(confirmation)>\(csrfField(csrf))\
            <button type="submit"\(danger ? #" class="danger""# : "")>\(escape(label))</button></form>
            """
    }

    static func thumbnail(_ name: String?, alt: String) -> String {
        guard let name else { return #"<div class="noface">no face</div>"# }
        return #"<img src="/thumbnails/\#(escape(query(name)))" alt="\#(escape(alt))" loading="lazy">"#
    }
}

enum Layout {
    static func page(title: String, csrf: String?, message: String? = nil, content: String) -> String {
        let notice = message.map { #"<p class="notice" id="notice">\#(HTML.escape($0))</p>"# } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · frs</title><link rel="stylesheet" href="/style.css">
            <script src="/app.js" defer></script></head>
            <body><nav><strong>frs</strong> <a href="/">People</a> <a href="/faces/unassigned">Unassigned faces</a>
            <a href="/search">Who is this?</a> <a href="/status">Status</a></nav>
            <main>\(notice)\(content)</main></body></html>
            """
    }

    /// Asks before the forms marked `data-confirm` (deleting a person) are sent.
    static let script = """
        document.addEventListener('submit', event => {
          const question = event.target.dataset.confirm;
          if (question && !confirm(question)) event.preventDefault();
        });
        """

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f4;color:#222}
        nav{background:#23395d;color:#fff;padding:.7em 1.2em}nav a{color:#fff;margin-left:1.2em}
        main{padding:1em 1.5em}h1{font-size:1.5em}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:1em}
        .card{background:#fff;border-radius:8px;padding:.5em;box-shadow:0 1px 3px #0002;text-align:center}
        .card img,.noface{width:128px;height:128px;object-fit:cover;border-radius:6px}
        .noface{display:inline-flex;align-items:center;justify-content:center;background:#ddd;color:#666}
        .card a{text-decoration:none;color:#23395d}.name{font-weight:600;display:block;margin-top:.3em}
        .muted{color:#777;font-size:.9em}.hidden-person{opacity:.6}
        .notice{background:#e4f3e4;border:1px solid #9c9;padding:.5em 1em;border-radius:6px}
        .error{color:#a00}form.inline{display:inline}button{cursor:pointer}button.danger{color:#a00}
        .actions{display:flex;flex-wrap:wrap;gap:1.5em;align-items:center;margin:1em 0;background:#fff;
        padding:.8em;border-radius:8px}
        td img{width:64px;height:64px;object-fit:cover;border-radius:4px}table{border-collapse:collapse}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}
        """
}
