import FRSTestSupport
import FacePipeline
import FaceStore
import FaceVision
import Foundation

/// Real photos from ../shared/data/seed, detected and embedded with the real models (once per test run),
/// stored like a worker would (add, claim, complete with embeddings, thumbnails), then grouped into persons
/// directly through FaceStore:
/// - "Hamid Mir" (user-named): the largest face of two Hamid Mir photos
/// - "Imran Khan" (user-named): two Imran Khan photos
/// - Unknown-3 (machine-named): two Shaista Lodhi photos
/// - Jenny's face and every other face: unassigned
struct SeededLibrary: Sendable {
    var hamid: Int64
    var imran: Int64
    var shaista: Int64
    /// Largest face per photo name.
    var faces: [String: Int64]
    /// Every face id, including the ones that are not the largest in their photo.
    var allFaces: [Int64]

    static let photos: [(file: String, person: String?)] = [
        ("Hamid_MIR.jpg", "hamid"), ("hamidMir.jpg", "hamid"),
        ("Imran-Khan.jpg", "imran"), ("Imran_Khan.jpg", "imran"),
        ("Shaista-Lodhi.jpg", "shaista"), ("lodhi.jpg", "shaista"),
        ("Jenny.jpg", nil),
    ]

    struct Analyzed: Sendable {
        var file: String
        var url: URL
        var width: Int
        var height: Int
        var faces: [DetectedFace]
        var embeddings: [FaceEmbedding]
        var thumbnails: [Data]
    }

    /// Detection and embedding are the slow part (seconds per photo on two cores): done once per process.
    static let analyzed: Result<[Analyzed], any Error> = Result {
        let analyzer = try FaceAnalyzer(models: ModelStore(directory: SharedData.models))
        return try photos.map { photo in
            let url = Paths.seed.appendingPathComponent(photo.file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw TestFailure("missing \(url.path): the seed photos must be in ../shared/data/seed (or set FRS_SHARED_DATA)")
            }
            let image = try Image(contentsOf: url)
            // Largest first, so index 0 is the photo's main face.
            let faces = try analyzer.faces(in: image).sorted { $0.box.area > $1.box.area }
            guard !faces.isEmpty else { throw TestFailure("no face found in \(photo.file)") }
            let embeddings = try analyzer.embeddings(of: faces, in: image)
            let thumbnails = try faces.map { try Thumbnail.jpeg(of: $0, in: image) }
            return Analyzed(file: photo.file, url: url, width: image.width, height: image.height, faces: faces,
                            embeddings: embeddings, thumbnails: thumbnails)
        }
    }

    /// A group photo of the seed (GroupM.jpg), detected and embedded for real, stored like the others;
    /// returns its two largest faces (unassigned): what a photo of two persons together needs.
    static func sharedPhoto(_ store: any FaceStore, data: DataDirectory) async throws -> (Int64, Int64) {
        let url = Paths.seed.appendingPathComponent("GroupM.jpg")
        let analyzer = try FaceAnalyzer(models: ModelStore(directory: SharedData.models))
        let image = try Image(contentsOf: url)
        let faces = Array(try analyzer.faces(in: image).sorted { $0.box.area > $1.box.area }.prefix(2))
        guard faces.count == 2 else { throw TestFailure("GroupM.jpg must show two faces") }
        let embeddings = try analyzer.embeddings(of: faces, in: image)
        _ = try await store.addMedia(MediaFileInfo(path: url.path, size: 4242, mtime: Date(timeIntervalSince1970: 1_700_000_000),
                                                   contentHash: String(format: "%064x", 4242), kind: .image,
                                                   width: image.width, height: image.height))
        let item = try await store.claim(owner: "seed", limit: 1, leaseSeconds: 60)[0]
        let ids = try await store.complete(item: item.id, owner: "seed", faces: zip(faces, embeddings).map { face, embedding in
            NewFace(box: BoundingBox(x1: Double(face.box.x), y1: Double(face.box.y), x2: Double(face.box.maxX), y2: Double(face.box.maxY)),
                    score: Double(face.score), landmarks: face.landmarks.flatMap { [$0.x, $0.y] }, faceSize: Int(face.size),
                    embedding: embedding.vector, embeddingModel: FaceNet.defaultModelTag, quality: Double(embedding.quality))
        })
        for (face, stored) in zip(faces, try await store.faces(item: item.id)) {
            try Thumbnail.jpeg(of: face, in: image).write(to: data.thumbnailURL(named: stored.thumbnailName ?? "\(stored.id).jpg")!)
        }
        return (ids[0], ids[1])
    }

    static func create(in store: any FaceStore, data: DataDirectory) async throws -> SeededLibrary {
        try data.create()
        var largest: [String: Int64] = [:]
        var all: [Int64] = []
        for (index, photo) in try analyzed.get().enumerated() {
            let info = MediaFileInfo(path: photo.url.path, size: 1000 + Int64(index), mtime: Date(timeIntervalSince1970: 1_700_000_000),
                                     contentHash: String(format: "%064x", index + 1), kind: .image,
                                     width: photo.width, height: photo.height)
            _ = try await store.addMedia(info)
            let item = try await store.claim(owner: "seed", limit: 1, leaseSeconds: 60)[0]
            let newFaces = zip(photo.faces, photo.embeddings).map { face, embedding in
                NewFace(box: BoundingBox(x1: Double(face.box.x), y1: Double(face.box.y), x2: Double(face.box.maxX),
                                         y2: Double(face.box.maxY)),
                        score: Double(face.score), landmarks: face.landmarks.flatMap { [$0.x, $0.y] },
                        faceSize: Int(face.size), embedding: embedding.vector, embeddingModel: FaceNet.defaultModelTag,
                        quality: Double(embedding.quality))
            }
            let ids = try await store.complete(item: item.id, owner: "seed", faces: newFaces)
            for (id, thumbnail) in zip(ids, photo.thumbnails) {
                let stored = try await store.faces(item: item.id).first { $0.id == id }
                try thumbnail.write(to: data.thumbnailURL(named: stored?.thumbnailName ?? "\(id).jpg")!)
            }
            largest[photo.file] = ids[0]
            all += ids
        }
        let hamid = try await store.createPerson(name: "Hamid Mir")
        let imran = try await store.createPerson(name: "Imran Khan")
        let shaista = try await store.createPerson(name: nil)
        for (file, person) in photos {
            let id: Int64? = switch person {
            case "hamid": hamid.id
            case "imran": imran.id
            case "shaista": shaista.id
            default: nil
            }
            if let id { try await store.assign(faces: [largest[file]!], to: id, reason: .cluster, actor: "frs") }
        }
        return SeededLibrary(hamid: hamid.id, imran: imran.id, shaista: shaista.id, faces: largest, allFaces: all)
    }
}
