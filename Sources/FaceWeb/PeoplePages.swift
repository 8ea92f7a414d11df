import FacePipeline
import Foundation

/// The people grid and the page of one person.
enum PeoplePages {
    static func grid(_ people: [PersonRow], showHidden: Bool, csrf: String, message: String?) -> String {
        let cards = people.map { person -> String in
            """
            <div class="card\(person.hidden ? " hidden-person" : "")" data-person="\(person.id)">
            <a href="/people/\(person.id)">\(HTML.thumbnail(person.portraitThumbnail, alt: person.name))
            <span class="name">\(HTML.escape(person.name))</span></a>
            <span class="muted">\(person.faces) face\(person.faces == 1 ? "" : "s")\(person.hidden ? " · hidden" : "")</span>
            </div>
            """
        }.joined()
        let toggle = showHidden ? #"<a href="/">Hide hidden persons</a>"# : #"<a href="/?hidden=1" id="show-hidden">Show hidden persons</a>"#
        let content = """
            <h1>People <span class="muted">(\(people.count))</span></h1><p>\(toggle)</p>
            \(people.isEmpty ? "<p>No persons yet.</p>" : #"<div class="grid">\#(cards)</div>"#)
            """
        return Layout.page(title: "People", csrf: csrf, message: message, content: content)
    }

    static func person(_ page: PersonPage, others: [PersonRow], csrf: String, message: String?) -> String {
        let person = page.person
        let id = person.id
        let otherOptions = others.filter { $0.id != id }.map { (other: PersonRow) -> String in
            #"<option value="\#(other.id)">\#(HTML.escape(other.name)) (#\#(other.id), \#(other.faces) faces)</option>"#
        }.joined()
        let content = """
            <h1>\(HTML.escape(person.name)) <span class="muted">#\(id) · \(person.faces) faces in \(person.photos) photos\
            \(person.hidden ? " · hidden" : "")\(person.userNamed ? "" : " · not named yet")\
            \(person.birthDate.map { " · born \($0)" } ?? "")</span></h1>
            <div class="actions">
            <form method="post" action="/people/\(id)/rename" id="rename-form">\(HTML.csrfField(csrf))
            <input name="name" id="rename-name" value="\(HTML.escape(person.name))" required maxlength="200">
            <button type="submit" id="rename-submit">Rename</button></form>
            <form method="post" action="/people/\(id)/merge" id="merge-form">\(HTML.csrfField(csrf))
            Merge into <select name="into" id="merge-into">\(otherOptions)</select>
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
            \(FacePages.faceGrid(page.faces, others: others.filter { $0.id != id }, returnTo: "/people/\(id)", csrf: csrf,
                                  unassignable: true, person: id))
            """
        return Layout.page(title: person.name, csrf: csrf, message: message, content: content)
    }
}
