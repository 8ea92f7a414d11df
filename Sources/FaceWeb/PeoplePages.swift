import FacePipeline
import FaceStore
import Foundation

/// The people grid and the page of one person.
enum PeoplePages {
    /// What the grid was asked for, so that its links keep the search, order and hidden switch.
    struct GridState {
        var order: PersonOrder
        var search: String?
        var showHidden: Bool

        func link(after: String? = nil, order: PersonOrder? = nil, showHidden: Bool? = nil) -> String {
            HTML.link("/", [("sort", (order ?? self.order).rawValue), ("q", search), ("hidden", (showHidden ?? self.showHidden) ? "1" : nil),
                            ("after", after)])
        }
    }

    static func grid(_ list: PersonList, state: GridState, first: Bool, csrf: String, message: String?) -> String {
        let cards = list.items.map { person -> String in
            """
            <div class="card\(person.hidden ? " hidden-person" : "")" data-person="\(person.id)">
            <a href="/people/\(person.id)">\(HTML.thumbnail(person.portraitThumbnail, alt: person.name))
            <span class="name">\(HTML.escape(person.name))</span></a>
            <span class="muted">\(HTML.count(person.faces, "face"))\(person.hidden ? " · hidden" : "")</span>
            </div>
            """
        }.joined()
        let orders = PersonOrder.allCases.map { order -> String in
            let label = switch order { case .faces: "most faces"; case .name: "name"; case .recent: "recently changed" }
            return order == state.order ? "<strong>\(label)</strong>" : #"<a href="\#(HTML.escape(state.link(order: order)))" id="sort-\#(order.rawValue)">\#(label)</a>"#
        }.joined(separator: " · ")
        let toggle = state.showHidden ? #"<a href="\#(HTML.escape(state.link(showHidden: false)))">Hide hidden persons</a>"#
            : #"<a href="\#(HTML.escape(state.link(showHidden: true)))" id="show-hidden">Show hidden persons</a>"#
        let searched = state.search.map { " matching \"\(HTML.escape($0))\"" } ?? ""
        let content = """
            <h1>People <span class="muted">(\(list.total)\(searched))</span></h1>
            <div class="actions">
            <form method="get" action="/" id="people-search" role="search">
            <input type="hidden" name="sort" value="\(state.order.rawValue)">\(state.showHidden ? #"<input type="hidden" name="hidden" value="1">"# : "")
            <input type="search" name="q" id="people-q" value="\(HTML.escape(state.search ?? ""))" placeholder="find a person by name" maxlength="200">
            <button type="submit" id="people-search-submit">Find</button></form>
            <span>Sort by \(orders)</span> <span>\(toggle)</span>
            <a href="/people/merge-suggestions">Merge suggestions</a> <a href="/photos">Photos of…</a></div>
            \(list.items.isEmpty ? "<p>No persons\(searched).</p>" : #"<div class="grid">\#(cards)</div>"#)
            \(HTML.pager(next: list.next.map { state.link(after: $0) }, first: first ? nil : state.link()))
            """
        return Layout.page(title: "People", csrf: csrf, message: message, content: content)
    }

    static func person(_ page: PersonPage, first: Bool, csrf: String, message: String?) -> String {
        let person = page.person
        let id = person.id
        let content = """
            <h1>\(HTML.escape(person.name)) <span class="muted">#\(id) · \(HTML.count(person.faces, "face"))\(person.photos.map { " in " + HTML.count($0, "photo") } ?? "")\
            \(person.hidden ? " · hidden" : "")\(person.userNamed ? "" : " · not named yet")\
            \(person.birthDate.map { " · born \($0)" } ?? "")</span></h1>
            <p><a href="/people/\(id)/review" id="review-link">Is this \(HTML.escape(person.name))?</a> ·
            <a href="/people/\(id)/likely-wrong" id="likely-wrong-link">Likely wrong faces</a> ·
            <a href="\(HTML.escape(HTML.link("/photos", [("with", String(id))])))" id="photos-link">Photos</a></p>
            <div class="actions">
            <form method="post" action="/people/\(id)/rename" id="rename-form">\(HTML.csrfField(csrf))
            <input name="name" id="rename-name" value="\(HTML.escape(person.name))" required maxlength="200">
            <button type="submit" id="rename-submit">Rename</button></form>
            <form method="post" action="/people/\(id)/merge" id="merge-form">\(HTML.csrfField(csrf))
            Merge into \(HTML.personPicker(name: "into", id: "merge-into", required: true))
            <button type="submit" id="merge-submit">Merge</button></form>
            <form method="post" action="/people/\(id)/birth-date" id="birth-date-form">\(HTML.csrfField(csrf))
            <label title="faces from photos taken before it are never given to this person by the machine">Born
            <input type="date" name="birth_date" id="birth-date" value="\(HTML.escape(person.birthDate ?? ""))"></label>
            <button type="submit" id="birth-date-submit">Save</button>\
            \(person.birthDate == nil ? "" : #" <button type="submit" name="clear" value="1" id="birth-date-clear">Clear</button>"#)</form>
            \(HTML.button(person.hidden ? "Unhide" : "Hide", action: "/people/\(id)/\(person.hidden ? "unhide" : "hide")", csrf: csrf))
            \(HTML.button("Delete person", action: "/people/\(id)/delete", csrf: csrf, danger: true,
                          confirm: "Delete this person? The faces stay, without a person."))
            </div>
            \(FacePages.faceGrid(page.faces, returnTo: "/people/\(id)", csrf: csrf, unassignable: true, person: id))
            \(HTML.pager(next: page.next.map { HTML.link("/people/\(id)", [("after", $0)]) }, first: first ? nil : "/people/\(id)"))
            """
        return Layout.page(title: person.name, csrf: csrf, message: message, content: content)
    }
}
