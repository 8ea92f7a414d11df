import FacePipeline
import FaceStore
import Foundation

/// "Is this <name>?", "likely wrong" faces, and merge suggestions: review many at once.
enum ReviewPages {
    enum Kind {
        /// Unassigned faces most like the person: accept or reject.
        case candidates
        /// The person's own faces least like the rest: reject (they become unassigned).
        case likelyWrong
    }

    static let shortcuts = """
        <p class="muted keys">Keys: <kbd>s</kbd> select all · <kbd>d</kbd> select none · <kbd>a</kbd> accept the selected · \
        <kbd>r</kbd> not this person · <kbd>n</kbd> next page. Click a face to select it.</p>
        """

    static func page(_ list: ReviewList, kind: Kind, first: Bool, csrf: String, message: String?) -> String {
        let person = list.person
        let path = kind == .candidates ? "/people/\(person.id)/review" : "/people/\(person.id)/likely-wrong"
        let cards = list.items.map { item -> String in
            """
            <div class="card" data-face="\(item.face.id)"><label>\(HTML.thumbnail(item.face.thumbnail, alt: "face \(item.face.id)"))<br>
            <input type="checkbox" name="face" value="\(item.face.id)" id="face-\(item.face.id)"> \
            <span class="muted">\(String(format: "%.2f", item.similarity))</span></label><br>
            <a href="/faces/\(item.face.id)/photo" class="muted">photo</a></div>
            """
        }.joined()
        let title = kind == .candidates ? "Is this \(person.name)?" : "Likely wrong faces of \(person.name)"
        let explanation = kind == .candidates
            ? "Unassigned faces most like \(HTML.escape(person.name)), most alike first (the number is the similarity to the person's faces). Faces you said are not this person, faces in a photo the person is already in, and faces from before the birth date are not shown."
            : "Faces of \(HTML.escape(person.name)) least like the person's other faces first: mistakes are near the top. \"Not this person\" takes a face away for good."
        let buttons = (kind == .candidates ? #"<button type="submit" name="action" value="accept" id="accept-submit">Yes, \#(HTML.escape(person.name)) (a)</button>"# : "")
            + #" <button type="submit" name="action" value="reject" id="reject-submit">Not \#(HTML.escape(person.name)) (r)</button>"#
        let content = """
            <h1>\(HTML.escape(title)) <span class="muted"><a href="/people/\(person.id)">#\(person.id) · \(HTML.count(person.faces, "face"))</a></span></h1>
            <p class="muted">\(explanation)</p>\(shortcuts)
            \(list.items.isEmpty ? "<p>Nothing to review.</p>" : """
                <form method="post" action="/people/\(person.id)/review" id="review-form" data-review>\(HTML.csrfField(csrf))
                <input type="hidden" name="return" value="\(HTML.escape(path))">
                <div class="actions">\(buttons)</div><div class="grid">\(cards)</div></form>
                """)
            \(HTML.pager(next: list.next.map { HTML.link(path, [("after", $0)]) }, first: first ? nil : path))
            """
        return Layout.page(title: title, csrf: csrf, message: message, content: content)
    }

    static func mergeSuggestions(_ list: MergeSuggestionList, first: Bool, csrf: String, message: String?) -> String {
        let rows = list.items.map { pair -> String in
            func side(_ person: PersonRow) -> String {
                """
                <a href="/people/\(person.id)">\(HTML.thumbnail(person.portraitThumbnail, alt: person.name))
                <span class="name">\(HTML.escape(person.name))</span></a><span class="muted">#\(person.id) · \(HTML.count(person.faces, "face"))</span>
                """
            }
            // Merge the smaller into the larger: the larger one's page is where the user lands.
            let (into, from) = pair.first.faces >= pair.second.faces ? (pair.first, pair.second) : (pair.second, pair.first)
            return """
                <div class="actions pair" data-pair="\(pair.first.id)-\(pair.second.id)">
                <div class="card">\(side(pair.first))</div><div class="card">\(side(pair.second))</div>
                <div><span class="muted">similarity \(String(format: "%.2f", pair.similarity))\(pair.mutual ? " · each other's nearest" : "")</span><br>
                <form method="post" action="/people/\(from.id)/merge" class="inline">\(HTML.csrfField(csrf))
                <input type="hidden" name="into" value="\(into.id)">
                <button type="submit" id="merge-\(pair.first.id)-\(pair.second.id)">Same person: merge</button></form>
                <form method="post" action="/people/different" class="inline">\(HTML.csrfField(csrf))
                <input type="hidden" name="persons" value="\(pair.first.id),\(pair.second.id)">
                <button type="submit" id="different-\(pair.first.id)-\(pair.second.id)">Different people</button></form></div></div>
                """
        }.joined()
        let content = """
            <h1>Merge suggestions</h1>
            <p class="muted">Pairs of persons whose faces are much alike, most alike first. Pairs you said are different \
            people, pairs seen together in one photo, and pairs you named both are not suggested.</p>
            \(list.items.isEmpty ? "<p>No suggestions.</p>" : rows)
            \(HTML.pager(next: list.next.map { HTML.link("/people/merge-suggestions", [("after", $0)]) }, first: first ? nil : "/people/merge-suggestions"))
            """
        return Layout.page(title: "Merge suggestions", csrf: csrf, message: message, content: content)
    }
}
