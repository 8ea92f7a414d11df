import FacePipeline
import FaceStore
import Foundation

/// Photos of one person or of several together, each with its faces boxed and named.
enum PhotoPages {
    static func photos(_ list: PhotoList?, order: MediaOrder, first: Bool, csrf: String, message: String?) -> String {
        let persons = list?.persons ?? []
        let wanted = Set(persons.map(\.id))
        let base = persons.map { ("with", Optional(String($0.id))) }
        let title = persons.isEmpty ? "Photos" : "Photos of " + persons.map(\.name).joined(separator: " and ")
        let orders = MediaOrder.allCases.map { choice -> String in
            let label = choice == .date ? "date taken" : "date added"
            return choice == order ? "<strong>\(label)</strong>"
                : #"<a href="\#(HTML.escape(HTML.link("/photos", base + [("sort", choice.rawValue)])))" id="sort-\#(choice.rawValue)">\#(label)</a>"#
        }.joined(separator: " · ")
        let chosen = persons.map { person -> String in
            let others = persons.filter { $0.id != person.id }.map { ("with", Optional(String($0.id))) }
            return #"<span class="chip">\#(HTML.escape(person.name)) <a href="\#(HTML.escape(HTML.link("/photos", others)))" title="leave out">×</a></span>"#
        }.joined(separator: " ")
        let form = """
            <form method="get" action="/photos" class="actions" id="photos-form">
            \(persons.map { #"<input type="hidden" name="with" value="\#($0.id)">"# }.joined())<span>\(chosen)</span>
            \(persons.isEmpty ? "Photos of" : "and") \(HTML.personPicker(name: "with", id: "photos-with", required: true))
            <input type="hidden" name="sort" value="\(order.rawValue)">
            <button type="submit" id="photos-submit">Show</button> <span>Sorted by \(orders)</span></form>
            """
        let cards = (list?.items ?? []).map { photo(wanted: wanted, $0) }.joined()
        var content = "<h1>\(HTML.escape(title))</h1>\(form)"
        if let list {
            content += list.items.isEmpty ? "<p>No photos with all of them.</p>" : #"<div class="photos">\#(cards)</div>"#
            content += HTML.pager(next: list.next.map { HTML.link("/photos", base + [("sort", order.rawValue), ("after", $0)]) },
                                  first: first ? nil : HTML.link("/photos", base + [("sort", order.rawValue)]))
        } else {
            content += "<p class=\"muted\">Choose one or more persons: their photos together are shown, newest first.</p>"
        }
        return Layout.page(title: title, csrf: csrf, message: message, content: content)
    }

    /// The photo, and over it a box per face with the person's name (the wanted persons' in green).
    /// An SVG in the photo's own pixels: no inline style, which the content security policy refuses.
    /// Videos get their faces' thumbnails instead, each linking to its frame.
    static func photo(wanted: Set<Int64>, _ photo: PhotoRow) -> String {
        let caption = """
            <div class="muted">\(HTML.escape((photo.path as NSString).lastPathComponent))\
            \(photo.capturedAt.map { " · " + HTML.escape(FacePages.shown($0)) } ?? "")</div>
            """
        guard photo.kind != MediaKind.video.rawValue else {
            // A video: its faces, each linking to its frame.
            let faces = photo.faces.map { face -> String in
                let name = face.name ?? "unassigned"
                return #"<a href="/faces/\#(face.faceId)/photo" title="\#(HTML.escape(name))">\#(HTML.thumbnail(face.thumbnail, alt: name))</a>"#
            }.joined(separator: " ")
            return #"<div class="photo" data-media="\#(photo.mediaFileId)">\#(faces)\#(caption)</div>"#
        }
        // The size is known for some files only; app.js sets the photo's own (upright) size when it loads.
        let viewBox = photo.width.flatMap { w in photo.height.map { h in #" viewBox="0 0 \#(w) \#(h)""# } } ?? ""
        let boxes = photo.faces.compactMap { face -> String? in
            guard let box = face.box, box.count == 4 else { return nil }
            let fontSize = max(12, Int((box[3] - box[1]) / 4))
            let label = face.name.map { "<text x=\"\(Int(box[0]))\" y=\"\(Int(box[3]) + fontSize)\" font-size=\"\(fontSize)\">\(HTML.escape($0))</text>" } ?? ""
            return """
                <rect x="\(Int(box[0]))" y="\(Int(box[1]))" width="\(Int(box[2] - box[0]))" height="\(Int(box[3] - box[1]))"\
                \(face.personId.map(wanted.contains) == true ? #" class="wanted""# : "")><title>\(HTML.escape(face.name ?? "unassigned"))</title></rect>\(label)
                """
        }.joined()
        return """
            <div class="photo" data-media="\(photo.mediaFileId)"><div class="frame"><img src="/photos/\(photo.mediaFileId)" alt="\(HTML.escape((photo.path as NSString).lastPathComponent))" loading="lazy">\
            <svg\(viewBox) preserveAspectRatio="none" aria-hidden="true" data-boxes>\(boxes)</svg></div>\(caption)</div>
            """
    }
}
