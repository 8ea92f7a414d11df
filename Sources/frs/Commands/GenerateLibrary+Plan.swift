import FaceClustering
import FaceStore
import Foundation

/// Everything `frs generate-library` decides before it writes, from the seed alone: how large each
/// person is, which source face each face copies, which faces share a photo, names, hidden persons,
/// capture dates and embeddings. The same seed and source give the same plan, whatever order the
/// database later writes in.
struct GenerationPlan: Sendable {
    struct Face: Sendable {
        /// The person it is given to; nil for an unassigned face.
        var person: Int?
        /// The person whose base its embedding perturbs; nil: a stranger with a base of its own.
        var basePerson: Int?
        /// The source face whose box, thumbnail and photo it copies.
        var source: Int
    }

    let seed: UInt64
    /// Faces per person; every one at least `minimumPersonSize`.
    let personSizes: [Int]
    /// Each person's embedding centre: a perturbed source embedding.
    let personBases: [[Float]]
    /// A name for the persons a user named; nil for the machine-named ones.
    let names: [String?]
    let hidden: Set<Int>
    let faces: [Face]
    /// Indices into `faces`, one array per photo, in the order the photos are added.
    let photos: [[Int]]

    static let minimumPersonSize = 3
    /// A face's cosine similarity to its person's base is drawn from this range: what one person's
    /// faces look like to FaceNet across photos.
    static let faceCosine = 0.75...0.85
    /// A base's cosine similarity to the source face it comes from. The bases of persons sharing a
    /// source face (the source has fewer faces than there are persons) then have a cosine of about
    /// 0.5, and their faces about 0.3: like different people's.
    static let baseCosine = 0.7
    static let namedShare = 0.1
    static let hiddenShare = 0.01
    /// Photos with 1, 2, 3 and 4 faces, roughly as in a family library.
    static let photoSizeWeights = [0.55, 0.25, 0.12, 0.08]

    /// Independent random streams, so that, e.g., the embedding of face 7 does not depend on how many
    /// numbers the person sizes used.
    enum Stream: UInt64 { case structure = 1, base, face, capture }

    static func random(seed: UInt64, _ stream: Stream, _ index: Int = 0) -> SeededRandom {
        var mixer = SeededRandom(seed: seed ^ (stream.rawValue << 56) ^ UInt64(index))
        return SeededRandom(seed: mixer.next())
    }

    /// How many of `faces` get a person.
    static func assignedCount(faces: Int, unassignedShare: Double) -> Int {
        faces - Int((Double(faces) * unassignedShare).rounded())
    }

    /// `faces` must leave `minimumPersonSize` assigned faces for each person (`assignedCount`), and
    /// the source must have a face.
    init(faces faceCount: Int, persons personCount: Int, unassignedShare: Double, seed: UInt64, source: SourceLibrary) {
        self.seed = seed
        var random = Self.random(seed: seed, .structure)
        let sizes = Self.skewedSizes(total: Self.assignedCount(faces: faceCount, unassignedShare: unassignedShare),
                                     count: personCount, &random)
        let order = Self.sourceOrder(source, &random)
        let sources = (0..<personCount).map { order[$0 % order.count] }
        personSizes = sizes
        personBases = sources.enumerated().map { person, face in
            var random = Self.random(seed: seed, .base, person)
            return Self.perturbed(source.faces[face].embedding, cosine: Self.baseCosine, &random)
        }

        var faces: [Face] = []
        faces.reserveCapacity(faceCount)
        for (person, size) in sizes.enumerated() {
            faces += repeatElement(Face(person: person, basePerson: person, source: sources[person]), count: size)
        }
        // Half of the unassigned faces look like a person (what matching should find), half are strangers.
        while faces.count < faceCount {
            if random.nextInt(2) == 0, personCount > 0 {
                let person = random.nextInt(personCount)
                faces.append(Face(person: nil, basePerson: person, source: sources[person]))
            } else {
                faces.append(Face(person: nil, basePerson: nil, source: random.nextInt(source.faces.count)))
            }
        }
        self.faces = faces
        photos = Self.photos(faces, source: source, &random)

        let namedCount = Int((Double(personCount) * Self.namedShare).rounded())
        var names = [String?](repeating: nil, count: personCount)
        for (ordinal, person) in Self.sample(namedCount, of: personCount, &random).sorted().enumerated() {
            names[person] = PersonNames.name(ordinal)
        }
        self.names = names
        hidden = Set(Self.sample(Int((Double(personCount) * Self.hiddenShare).rounded()), of: personCount, &random))
    }

    var summary: String {
        "\(faces.count) faces (\(faces.count - personSizes.reduce(0, +)) without a person) in \(photos.count) photos, "
            + "\(personSizes.count) persons (\(names.compactMap { $0 }.count) named, \(hidden.count) hidden)"
    }

    /// The embedding of face `index`: its base (its person's, or one of its own) perturbed.
    func embedding(of index: Int, source: SourceLibrary) -> [Float] {
        var random = Self.random(seed: seed, .face, index)
        let face = faces[index]
        let base = face.basePerson.map { personBases[$0] }
            ?? Self.perturbed(source.faces[face.source].embedding, cosine: Self.baseCosine, &random)
        let cosine = Self.faceCosine.lowerBound + (Self.faceCosine.upperBound - Self.faceCosine.lowerBound) * random.nextDouble()
        return Self.perturbed(base, cosine: cosine, &random)
    }

    /// When photo `index` was taken: a moment in 2000-2025, with the camera's zone for half of them;
    /// about one photo in ten says nothing, like scans and stripped files.
    func captureTime(ofPhoto index: Int) -> CaptureTime? {
        var random = Self.random(seed: seed, .capture, index)
        guard random.nextInt(10) > 0 else { return nil }
        let start = 946_684_800.0, end = 1_767_225_600.0  // 2000-01-01 and 2026-01-01, UTC
        let offsets = [-300, 0, 60, 120, 330, 540]
        let offset = random.nextInt(2) == 0 ? nil : offsets[random.nextInt(offsets.count)]
        return CaptureTime(date: Date(timeIntervalSince1970: start + (end - start) * random.nextDouble()), utcOffsetMinutes: offset)
    }

    /// `unit + noise`, normalised, with Gaussian noise of the size that makes the result's cosine to
    /// `unit` about `cosine`: |noise|² = 1/c² − 1 spread over the dimensions.
    static func perturbed(_ unit: [Float], cosine: Double, _ random: inout SeededRandom) -> [Float] {
        let sigma = Float(((1 / (cosine * cosine) - 1) / Double(unit.count)).squareRoot())
        return SourceLibrary.normalized(unit.map { $0 + sigma * random.nextGaussian() })
    }

    /// `count` sizes of at least `minimumPersonSize` that add up to `total`, skewed like a real
    /// library (Zipf with jitter: a few persons with thousands of faces, most with a handful),
    /// in random order so that persons' ids and sizes are unrelated.
    static func skewedSizes(total: Int, count: Int, _ random: inout SeededRandom) -> [Int] {
        guard count > 0 else { return [] }
        let weights = (0..<count).map { (0.5 + random.nextDouble()) / Double($0 + 1) }
        let scale = Double(total - count * minimumPersonSize) / weights.reduce(0, +)
        let shares = weights.map { $0 * scale }
        var sizes = shares.map { minimumPersonSize + Int($0) }
        // What rounding down left over goes to the largest remainders.
        let byRemainder = shares.indices.sorted { shares[$0] - shares[$0].rounded(.down) > shares[$1] - shares[$1].rounded(.down) }
        for index in byRemainder.prefix(total - sizes.reduce(0, +)) { sizes[index] += 1 }
        sizes.shuffle(using: &random)
        return sizes
    }

    /// Source faces in the order persons take them as bases: round robin over the source's persons
    /// (each unassigned source face on its own), so that neighbouring persons come from different
    /// real people and photos.
    static func sourceOrder(_ source: SourceLibrary, _ random: inout SeededRandom) -> [Int] {
        var groups: [[Int]] = []
        var groupOfPerson: [Int64: Int] = [:]
        for (index, face) in source.faces.enumerated() {
            if let person = face.person, let group = groupOfPerson[person] {
                groups[group].append(index)
            } else {
                if let person = face.person { groupOfPerson[person] = groups.count }
                groups.append([index])
            }
        }
        groups.shuffle(using: &random)
        let rounds = groups.map(\.count).max() ?? 0
        return (0..<rounds).flatMap { round in groups.compactMap { round < $0.count ? $0[round] : nil } }
    }

    /// Groups faces into photos of 1-4 faces. The faces of one photo copy different faces of one
    /// source photo, so boxes and thumbnails match the photo the file links to; and as a person's
    /// faces all copy its one source face, no photo shows a person twice.
    static func photos(_ faces: [Face], source: SourceLibrary, _ random: inout SeededRandom) -> [[Int]] {
        // For each source photo, the waiting faces of each of its source faces.
        var waiting: [Int: [Int: [Int]]] = [:]
        for (index, face) in faces.enumerated() {
            waiting[source.faces[face.source].photo, default: [:]][face.source, default: []].append(index)
        }
        var photos: [[Int]] = []
        for sourcePhoto in waiting.keys.sorted() {
            var stacks = waiting[sourcePhoto]!.keys.sorted().map { waiting[sourcePhoto]![$0]!.shuffled(using: &random) }
            while !stacks.isEmpty {
                let size = min(drawPhotoSize(&random), stacks.count)
                var chosen = Array(stacks.indices)
                chosen.shuffle(using: &random)
                photos.append(chosen.prefix(size).map { stacks[$0].removeLast() })
                stacks.removeAll { $0.isEmpty }
            }
        }
        photos.shuffle(using: &random)
        return photos
    }

    static func drawPhotoSize(_ random: inout SeededRandom) -> Int {
        var draw = random.nextDouble()
        for (index, weight) in photoSizeWeights.enumerated() {
            draw -= weight
            if draw < 0 { return index + 1 }
        }
        return photoSizeWeights.count
    }

    /// `count` distinct numbers from 0..<n.
    static func sample(_ count: Int, of n: Int, _ random: inout SeededRandom) -> [Int] {
        var all = Array(0..<n)
        for index in 0..<min(count, n) { all.swapAt(index, index + random.nextInt(n - index)) }
        return Array(all.prefix(count))
    }
}

/// Distinct, ordinary-looking names for the persons a user named: first and last names combined,
/// with a number once the combinations run out.
enum PersonNames {
    static let first = ["Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hassan", "Ines", "Jonas", "Kira", "Luis",
                        "Maya", "Nikolai", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wei", "Yusuf"]
    static let last = ["Andersen", "Bauer", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
                       "Khan", "Lopez", "Müller", "Novak", "Okafor", "Petrov", "Qureshi", "Rossi", "Schmidt", "Tanaka"]

    static func name(_ ordinal: Int) -> String {
        let combinations = first.count * last.count
        let name = "\(first[ordinal % first.count]) \(last[ordinal / first.count % last.count])"
        return ordinal < combinations ? name : "\(name) \(ordinal / combinations + 1)"
    }
}
