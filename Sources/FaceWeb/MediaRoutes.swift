import FacePipeline
import FaceStore
import FaceVision
import Foundation
import Hummingbird

/// Thumbnails and photos. Only two kinds of file leave the server: thumbnails resolved by
/// `DataDirectory.thumbnailURL(named:)` (which refuses anything but a plain file name in the thumbnails
/// folder) and photos looked up by id in `MediaFile`; no client-supplied path ever reaches the disk.
/// Files are streamed in chunks, never read whole; a photo with a box drawn is decoded through the
/// `ImageWorkQueue`, like a search.
struct MediaRoutes {
    let people: PeopleService
    let dataDirectory: DataDirectory
    let work: ImageWorkQueue
    let files = FileIO()

    func add(to router: Router<WebContext>) {
        router.get("/thumbnails/:name") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let raw = try context.parameters.require("name")
            guard let name = raw.removingPercentEncoding, let url = dataDirectory.thumbnailURL(named: name) else {
                throw WebError.badRequest("bad thumbnail name: thumbnails are plain file names like 12.jpg")
            }
            return try await file(url.path, contentType: "image/jpeg", context: context, missing: "no thumbnail \(name)")
        }
        router.get("/photos/:id") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try APIRoutes.id(context)
            guard let file = try await people.mediaFile(id) else { throw WebError.notFound("no photo with id \(id)") }
            // Videos are not sent whole (they can be gigabytes); each face links to its frame instead.
            if file.kind == .video { throw WebError.notFound("media \(id) is a video; see /faces/FACE/photo for the frame of a face") }
            return try await self.file(file.path, contentType: Self.contentType(extension: (file.path as NSString).pathExtension),
                                       context: context, missing: "photo \(id) is in the database but its file is gone")
        }
        // The face's photo with its box and landmarks drawn.
        router.get("/faces/:id/photo") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try APIRoutes.id(context)
            let detail = try await people.face(id)
            guard let box = detail.face.box else { throw WebError.notFound("face \(id) has no box") }
            let jpeg = try await work.run {
                let image: Image
                do {
                    image = try Image.read(URL(fileURLWithPath: detail.mediaPath), frame: detail.face.frameNumber)
                } catch VisionError.unreadableImage(_, let reason) {
                    throw WebError.notFound("the photo of face \(id) cannot be read any more: \(reason)")
                }
                let face = DetectedFace(stored: box, score: detail.face.score, landmarks: detail.face.landmarks)
                return try image.annotated(with: [face]).jpegData(quality: 85)
            }
            return Responses.data(jpeg, contentType: "image/jpeg")
        }
    }

    private func file(_ path: String, contentType: String, context: WebContext, missing: String) async throws -> Response {
        let body: ResponseBody
        do {
            body = try await files.loadFile(path: path, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            throw WebError.notFound(missing)
        }
        return Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "private, max-age=300"], body: body)
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
