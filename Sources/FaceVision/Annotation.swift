import CVBridge

extension Image {
    /// A copy with each face's box, landmarks and index drawn on it.
    public func annotated(with faces: [DetectedFace]) throws -> Image {
        let copy = try copy()
        let thickness = Int32(max(1, max(width, height) / 500))
        let landmarkColours: [(Int32, Int32, Int32)] = [(255, 0, 0), (0, 0, 255), (0, 255, 0), (255, 0, 255), (0, 255, 255)]
        for (index, face) in faces.enumerated() {
            let box = face.box
            cvb_draw_rectangle(copy.handle, Int32(box.x), Int32(box.y), Int32(box.maxX), Int32(box.maxY), 0, 255, 0, thickness)
            for (point, colour) in zip(face.landmarks, landmarkColours) {
                cvb_draw_circle(copy.handle, Int32(point.x), Int32(point.y), thickness + 1, colour.0, colour.1, colour.2, -1)
            }
            let scale = Double(max(0.4, min(1.2, box.width / 60)))
            cvb_draw_text(copy.handle, "\(index)", Int32(box.x), Int32(max(12, box.y - 4)), scale, 0, 255, 0, thickness)
        }
        return copy
    }
}
