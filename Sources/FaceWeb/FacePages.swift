import FacePipeline
import Foundation

/// Grids of faces with the move form, and the unassigned faces page with its suggestions.
enum FacePages {
    /// Where the unassigned page is in its two lists (suggestions and faces are paged apart).
    struct UnassignedState {
        var after: String?
        var suggestionsAfter: String?

        func link(after: String?? = .none, suggestionsAfter: String?? = .none) -> String {
            HTML.link("/faces/unassigned", [("after", after ?? self.after), ("suggestions_after", suggestionsAfter ?? self.suggestionsAfter)])
        }
    }

    /// Faces with checkboxes, and a form that moves the checked ones (to a person, a new person, or nobody).
    /// On a person's page (`person`), each face has a "Not this person" button.
    static func faceGrid(_ faces: [FaceRow], returnTo: String, csrf: String,
                         unassignable: Bool, person: Int64? = nil) -> String {
        guard !faces.isEmpty else { return "<p>No faces.</p>" }
        let cards = faces.map { face -> String in
            """
            <div class="card" data-face="\(face.id)"><label>\(HTML.thumbnail(face.thumbnail, alt: "face \(face.id)"))<br>
            <input type="checkbox" name="face" value="\(face.id)" id="face-\(face.id)"> face \(face.id)\
            \(face.verified ? " ✓" : "")</label><br>
            <a href="/faces/\(face.id)/photo" class="muted" title="\(HTML.escape(face.path + (face.frame.map { " frame \($0)" } ?? "")))">\(face.frame == nil ? "photo" : "frame")</a>\
            \(face.capturedAt.map { #" <span class="muted taken" title="when it was taken">\#(HTML.escape(Self.shown($0)))</span>"# } ?? "")\
            \(person == nil ? "" : #" <button type="submit" formaction="/faces/reject" name="reject" value="\#(face.id)" id="reject-\#(face.id)" title="take this face away from the person, for good">Not this person</button>"#)</div>
            """
        }.joined()
        return """
            <form method="post" action="/faces/move" id="move-form">\(HTML.csrfField(csrf))
            <input type="hidden" name="return" value="\(HTML.escape(returnTo))">\(person.map { #"<input type="hidden" name="person" value="\#($0)">"# } ?? "")
            <div class="actions">Move checked faces to \(HTML.personPicker(name: "to", id: "move-to", required: false,
                                                                      placeholder: "a person (empty: a new person)"))
            <input name="name" placeholder="name of the new person" maxlength="200">
            <button type="submit" id="move-submit">Move</button>
            \(unassignable ? #"<button type="submit" formaction="/faces/unassign" id="unassign-submit">Unassign checked</button>"# : "")
            </div><div class="grid">\(cards)</div></form>
            """
    }

    /// Thumbnails shown per suggested group.
    static let suggestionSample = 12

    /// A capture time as people read it: "2019-07-14 15:30:00+02:00".
    static func shown(_ iso8601: String) -> String { iso8601.replacingOccurrences(of: "T", with: " ") }

    static func unassigned(_ faces: FaceList, total: Int, suggestions: SuggestionList, state: UnassignedState, csrf: String,
                           message: String?) -> String {
        let groups = suggestions.items.enumerated().map { index, suggestion -> String in
            let ids = suggestion.faces.map { String($0.id) }.joined(separator: ",")
            // A large group shows a sample: the page stays small, the form still names every face.
            let shown = suggestion.faces.prefix(Self.suggestionSample)
            let more = suggestion.faces.count - shown.count
            let thumbs = shown.map { HTML.thumbnail($0.thumbnail, alt: "face \($0.id)") }.joined(separator: " ")
                + (more > 0 ? #" <span class="muted">and \#(more) more</span>"# : "")
            return """
                <div class="actions" data-suggestion="\(index)">\(thumbs)
                <form method="post" action="/suggestions/accept">\(HTML.csrfField(csrf))
                <input type="hidden" name="faces" value="\(ids)">
                <input name="name" placeholder="name (optional)" maxlength="200">
                <button type="submit">Accept as new person (\(suggestion.faces.count) faces)</button>
                <span class="muted">\(suggestion.faces.count) faces, mean similarity \(String(format: "%.2f", suggestion.meanSimilarity))</span></form></div>
                """
        }.joined()
        let here = state.link()
        let content = """
            <h1>Unassigned faces <span class="muted">(\(total))</span></h1>
            <h2>Suggested persons <span class="muted">(\(suggestions.total))</span></h2>
            <p class="muted">Groups that clustering finds among the unassigned faces clear enough to recognise (not small, blurred or turned away), most alike first.</p>
            \(suggestions.items.isEmpty ? "<p>No suggestions.</p>" : groups)
            \(HTML.pager(next: suggestions.next.map { state.link(suggestionsAfter: $0) }, first: state.suggestionsAfter == nil ? nil : state.link(suggestionsAfter: .some(nil)),
                         nextLabel: "More suggestions", id: "next-suggestions"))
            <h2>All unassigned faces</h2>
            \(faceGrid(faces.items, returnTo: here, csrf: csrf, unassignable: false))
            \(HTML.pager(next: faces.next.map { state.link(after: $0) }, first: state.after == nil ? nil : state.link(after: .some(nil))))
            """
        return Layout.page(title: "Unassigned faces", csrf: csrf, message: message, content: content)
    }
}
