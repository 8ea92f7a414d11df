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

    /// "1 face", "2 faces".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// A path with query parameters (nil values left out), each value encoded.
    static func link(_ path: String, _ parameters: [(String, String?)]) -> String {
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(self.query($0))" } }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// "Next page" (and "First page" after the first) links; nothing when there is one page.
    static func pager(next: String?, first: String?, nextLabel: String = "Next page", id: String = "next-page") -> String {
        guard next != nil || first != nil else { return "" }
        let firstLink = first.map { #"<a href="\#(escape($0))">First page</a>"# } ?? ""
        let nextLink = next.map { #"<a href="\#(escape($0))" id="\#(id)" rel="next">\#(escape(nextLabel)) →</a>"# } ?? ""
        return #"<p class="pager">\#(firstLink) \#(nextLink)</p>"#
    }

    /// A text field that finds a person by name as one types (app.js asks `/api/people?q=`); the
    /// server takes an id, "Name (#id)" or a name only one person has (`PeopleService.resolvePerson`).
    static func personPicker(name: String, id: String, required: Bool, placeholder: String = "a person's name or #id") -> String {
        """
        <input name="\(escape(name))" id="\(escape(id))" list="\(escape(id))-options" autocomplete="off" data-person-picker \
        placeholder="\(escape(placeholder))" maxlength="220"\(required ? " required" : "")><datalist id="\(escape(id))-options"></datalist>
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
            <a href="/people/merge-suggestions">Merge suggestions</a> <a href="/photos">Photos</a>
            <a href="/search">Who is this?</a> <a href="/status">Status</a></nav>
            <main>\(notice)\(content)</main></body></html>
            """
    }

    /// Asks before the forms marked `data-confirm` (deleting a person) are sent; fills the person
    /// pickers' options as one types; keyboard shortcuts on review pages.
    static let script = """
        document.addEventListener('submit', event => {
          const question = event.target.dataset.confirm;
          if (question && !confirm(question)) event.preventDefault();
        });
        let pickerTimer;
        document.addEventListener('input', event => {
          const input = event.target;
          if (!input.matches('[data-person-picker]')) return;
          clearTimeout(pickerTimer);
          pickerTimer = setTimeout(async () => {
            const text = input.value.trim();
            if (!text || /\\(#\\d+\\)$/.test(text)) return;
            const response = await fetch('/api/people?hidden=1&sort=name&limit=10&q=' + encodeURIComponent(text), {credentials: 'same-origin'});
            if (!response.ok) return;
            const list = document.getElementById(input.getAttribute('list'));
            list.replaceChildren(...(await response.json()).items.map(person => {
              const option = document.createElement('option');
              option.value = `${person.name} (#${person.id})`;
              option.label = `${person.faces} faces`;
              return option;
            }));
          }, 150);
        });
        // Boxes are drawn in the photo's pixels: the SVG takes the size the browser decoded (upright).
        document.addEventListener('load', event => {
          const image = event.target;
          if (!(image instanceof HTMLImageElement)) return;
          const boxes = image.parentElement && image.parentElement.querySelector('svg[data-boxes]');
          if (boxes && image.naturalWidth) boxes.setAttribute('viewBox', `0 0 ${image.naturalWidth} ${image.naturalHeight}`);
        }, true);
        document.addEventListener('keydown', event => {
          const form = document.querySelector('form[data-review]');
          if (!form || event.ctrlKey || event.metaKey || event.altKey || event.target.matches('input[type=text], input[type=search], input:not([type]), textarea')) return;
          const boxes = form.querySelectorAll('input[name=face]');
          const press = id => { const element = document.getElementById(id); if (element) { event.preventDefault(); element.click(); } };
          switch (event.key) {
            case 's': event.preventDefault(); boxes.forEach(box => { box.checked = true; }); break;
            case 'd': event.preventDefault(); boxes.forEach(box => { box.checked = false; }); break;
            case 'a': press('accept-submit'); break;
            case 'r': press('reject-submit'); break;
            case 'n': press('next-page'); break;
          }
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
        .pager{display:flex;gap:2em;margin:1.5em 0}.keys kbd{background:#fff;border:1px solid #bbb;border-radius:3px;padding:0 .3em}
        .pair .card{min-width:150px}.photo{position:relative;display:inline-block;max-width:100%;background:#fff;padding:.4em;border-radius:8px}
        .photo img{max-width:100%;max-height:420px;display:block}.photos{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}
        .frame{position:relative}.frame svg{position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none}
        .photo rect{fill:none;stroke:#ffd400;stroke-width:.4%}.photo rect.wanted{stroke:#2c2}
        .photo text{fill:#fff;stroke:#000;stroke-width:.15%;paint-order:stroke;font-weight:700}
        td img{width:64px;height:64px;object-fit:cover;border-radius:4px}table{border-collapse:collapse}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}
        """
}
