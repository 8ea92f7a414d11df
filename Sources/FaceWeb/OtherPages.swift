import FacePipeline
import FaceVision
import Foundation

/// Search, status and login.
enum OtherPages {
    static func search(results: [SearchedFace]?, people: [Int64: PersonRow], csrf: String, message: String?,
                       uploadLimit: Int) -> String {
        var content = """
            <h1>Who is this?</h1>
            <form method="post" action="/search" enctype="multipart/form-data" class="actions">\(HTML.csrfField(csrf))
            <input type="file" name="photo" id="search-photo" accept="image/*" required>
            <button type="submit" id="search-submit">Search</button>
            <span class="muted">up to \(WebError.byteCount(uploadLimit))</span></form>
            <p class="muted">A person's score is the mean of their \(PersonSearch.topK) most similar faces; \
            a match is a score of at least \(FaceNet.samePersonThresholdText).</p>
            """
        if let results {
            if results.isEmpty { content += "<p>No face found in this photo.</p>" }
            for face in results {
                let box = face.box.map { String(Int($0.rounded())) }.joined(separator: ", ")
                let rows = face.matches.map { match -> String in
                    let thumbnail = people[match.personId]?.portraitThumbnail
                    return """
                        <tr><td>\(HTML.thumbnail(thumbnail, alt: match.name))</td>
                        <td><a href="/people/\(match.personId)">\(HTML.escape(match.name))</a></td>
                        <td>\(String(format: "%.3f", match.score))</td><td>\(match.isMatch ? "match" : "")</td></tr>
                        """
                }.joined()
                content += """
                    <h2>Face \(face.index + 1) <span class="muted">at \(box)</span></h2>
                    \(face.matches.isEmpty ? "<p>No persons stored yet.</p>" : "<table><tr><th></th><th>person</th><th>score</th><th></th></tr>\(rows)</table>")
                    """
            }
        }
        return Layout.page(title: "Who is this?", csrf: csrf, message: message, content: content)
    }

    static func status(_ status: LibraryStatus, csrf: String) -> String {
        let lastRun = status.lastRun.map { ISO8601DateFormatter().string(from: $0) } ?? "never"
        let rows: [(String, String)] = [
            ("media pending", String(status.pending)), ("media being worked on", String(status.leased)),
            ("media done", String(status.done)), ("media failed", String(status.failed)),
            ("last media finished", lastRun), ("persons", String(status.persons)),
            ("hidden persons", String(status.hiddenPersons)), ("unassigned faces", String(status.unassignedFaces)),
        ]
        let table = rows.map { row -> String in "<tr><th>\(row.0)</th><td>\(HTML.escape(row.1))</td></tr>" }.joined()
        return Layout.page(title: "Status", csrf: csrf, content: "<h1>Status</h1><table id=\"status\">\(table)</table>")
    }

    static func login(csrf: String, failed: Bool) -> String {
        Layout.page(title: "Log in", csrf: csrf, content: """
            <h1>Log in</h1>\(failed ? #"<p class="error">Wrong token.</p>"# : "")
            <form method="post" action="/login" class="actions">\(HTML.csrfField(csrf))
            <input type="password" name="token" placeholder="server token" required autofocus>
            <button type="submit">Log in</button></form>
            """)
    }
}

extension FaceNet {
    static var samePersonThresholdText: String { String(format: "%.2f", samePersonThreshold) }
}
