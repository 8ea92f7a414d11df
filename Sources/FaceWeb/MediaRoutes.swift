import FacePipeline
import FaceStore
import FaceVision
import Foundation
import Hummingbird

/// Thumbnails and photos. Only two kinds of file leave the server: thumbnails resolved by
/// `DataDirectory.thumbnailURL(named:)` (which refuses anything but a plain file name in the thumbnails
/// folder) and photos looked up by id in `MediaFile`; no client-supplied path ever reaches the disk.
struct MediaRoutes {
    let people: PeopleService
    let dataDirectory: DataDirectory

    func add(to router: Router<WebContext>) {
        router.get("/thumbnails/:name") { _, context in
            let raw = try context.parameters.require("name")
            guard let name = raw.removingPercentEncoding, let url = dataDirectory.thumbnailURL(named: name) else {
                throw WebError.badRequest("bad thumbnail name: thumbnails are plain file names like 12.jpg")
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw WebError.notFound("no thumbnail \(name)")
            }
            return Responses.data(data, contentType: "image/jpeg")
        }
        router.get("/photos/:id") { _, context in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let file = try await people.store.mediaFile(id: id) else { throw WebError.notFound("no photo with id \(id)") }
            // Videos are not sent whole (they can be gigabytes); each face links to its frame instead.
            if file.kind == .video { throw WebError.notFound("media \(id) is a video; see /faces/FACE/photo for the frame of a face") }
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw WebError.notFound("photo \(id) is in the database but its file is gone")
            }
            return Responses.data(data, contentType: Self.contentType(extension: (file.path as NSString).pathExtension))
        }
        // The face's photo with its box and landmarks drawn.
        router.get("/faces/:id/photo") { _, context in
            let id = try context.parameters.require("id", as: Int64.self)
            let detail = try await people.face(id)
            let image = try Image.read(URL(fileURLWithPath: detail.mediaPath), frame: detail.face.frameNumber)
            guard let box = detail.face.box else { throw WebError.notFound("face \(id) has no box") }
            let landmarks = stride(from: 0, to: (detail.face.landmarks?.count ?? 0) - 1, by: 2).map {
                Point(x: detail.face.landmarks![$0], y: detail.face.landmarks![$0 + 1])
            }
            let face = DetectedFace(box: Rect(x1: Float(box.x1), y1: Float(box.y1), x2: Float(box.x2), y2: Float(box.y2)),
                                    score: Float(detail.face.score ?? 1), landmarks: landmarks)
            return Responses.data(try image.annotated(with: [face]).jpegData(quality: 85), contentType: "image/jpeg")
        }
    }

    static func contentType(extension ext: String) -> String {
        switch ext.lowercased() {
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "bmp": "image/bmp"
        case "tif", "tiff": "image/tiff"
        default: "application/octet-stream"
        }
    }
}
