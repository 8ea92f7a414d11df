import CVBridge
import Foundation

/// A decoded 8-bit colour image in its upright orientation (EXIF orientation already applied).
///
/// ```swift
/// let image = try Image(contentsOf: URL(fileURLWithPath: "party.jpg"))
/// print(image.width, image.height)
/// ```
public final class Image: @unchecked Sendable {
    // Sendable: the pixels are never mutated after creation, except through `annotated()` copies.
    let handle: OpaquePointer

    /// The largest image we agree to decode (pixels); larger ones fail before any pixel memory is taken.
    public static let maxPixels: UInt64 = 150_000_000
    /// Larger files are refused before they are read into memory.
    public static let maxFileBytes = 512 * 1024 * 1024

    private static let configured: Void = {
        cvb_set_max_image_pixels(Image.maxPixels)
    }()

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { cvb_image_free(handle) }

    /// Reads and decodes an image file (JPEG, PNG, BMP, TIFF, WebP, ...).
    public convenience init(contentsOf url: URL) throws {
        let path = url.path
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                throw VisionError.unreadableImage(path: path, reason: "is a directory, not an image")
            }
            if let size = attributes[.size] as? Int, size > Image.maxFileBytes {
                throw VisionError.unreadableImage(path: path, reason: "file is \(size) bytes, more than the \(Image.maxFileBytes)-byte limit")
            }
            data = try Data(contentsOf: url)
        } catch let error as VisionError {
            throw error
        } catch {
            throw VisionError.unreadableImage(path: path, reason: Image.describe(fileError: error, path: path))
        }
        do {
            try self.init(data: data)
        } catch VisionError.unreadableImage(_, let reason) {
            throw VisionError.unreadableImage(path: path, reason: reason)
        }
    }

    /// Decodes an encoded image held in memory.
    public convenience init(data: Data) throws {
        _ = Image.configured
        try data.withUnsafeBytes { raw in
            if let size = ImageHeader.dimensions(of: raw) {
                if size.width == 0 || size.height == 0 {
                    throw VisionError.unreadableImage(path: "<memory>", reason: "image has no pixels (\(size.width)x\(size.height))")
                }
                if UInt64(size.width) * UInt64(size.height) > Image.maxPixels {
                    throw VisionError.unreadableImage(path: "<memory>", reason: "image is \(size.width)x\(size.height) pixels, more than the \(Image.maxPixels / 1_000_000)-megapixel limit")
                }
            }
            if ImageHeader.isTruncatedJPEG(raw) {
                throw VisionError.unreadableImage(path: "<memory>", reason: "truncated JPEG (the file ends before the image data does)")
            }
        }
        var error = BridgeError()
        let handle = data.withUnsafeBytes { raw in
            cvb_image_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, 1, &error.buffer, BridgeError.capacity)
        }
        guard let handle else { throw VisionError.unreadableImage(path: "<memory>", reason: error.message) }
        self.init(handle: handle)
    }

    /// Makes an image from packed BGR pixels (rows of `width * 3` bytes); used for synthetic images.
    public convenience init(bgr pixels: [UInt8], width: Int, height: Int) throws {
        precondition(pixels.count == width * height * 3, "pixel buffer does not match the size")
        var error = BridgeError()
        guard let handle = cvb_image_from_bgr(pixels, Int32(width), Int32(height), &error.buffer, BridgeError.capacity) else {
            throw VisionError.imageOperation(error.message)
        }
        self.init(handle: handle)
    }

    public var width: Int { Int(cvb_image_width(handle)) }
    public var height: Int { Int(cvb_image_height(handle)) }

    /// Packed BGR pixels, rows of `width * 3` bytes.
    public var bgrPixels: [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height * 3)
        cvb_image_copy_bgr(handle, &out)
        return out
    }

    public enum Interpolation: Int32, Sendable {
        case nearest = 0, linear = 1, cubic = 2, area = 3
    }

    public func resized(width: Int, height: Int, interpolation: Interpolation) throws -> Image {
        try bridged { cvb_image_resize(handle, Int32(width), Int32(height), interpolation.rawValue, $0, $1) }
    }

    /// Resizes the way the reference does: area averaging when shrinking, bilinear when enlarging.
    public func resized(width: Int, height: Int) throws -> Image {
        let shrinking = width < self.width || height < self.height
        return try resized(width: width, height: height, interpolation: shrinking ? .area : .linear)
    }

    /// Crops `rect` (which may reach past the borders) and resizes it to `width` x `height`.
    /// With `pad`, the part outside the image is black and the aspect ratio is kept; without it the
    /// rectangle is clipped to the image first.
    /// `interpolation` nil picks area averaging when shrinking and bilinear otherwise.
    public func cropped(to rect: Rect, width: Int, height: Int, pad: Bool, interpolation: Interpolation? = nil) throws -> Image {
        try bridged {
            cvb_image_crop_resize(handle, Double(rect.x), Double(rect.y), Double(rect.width), Double(rect.height),
                                  Int32(width), Int32(height), pad ? 1 : 0, interpolation?.rawValue ?? -1, $0, $1)
        }
    }

    public func copy() throws -> Image {
        try bridged { cvb_image_clone(handle, $0, $1) }
    }

    public func jpegData(quality: Int = 90) throws -> Data {
        var error = BridgeError()
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard cvb_image_encode_jpeg(handle, Int32(quality), &bytes, &length, &error.buffer, BridgeError.capacity) == 0,
              let bytes
        else { throw VisionError.imageOperation("JPEG encoding: \(error.message)") }
        defer { cvb_buffer_free(bytes) }
        return Data(bytes: bytes, count: length)
    }

    /// Writes the image into a float blob of `blobWidth` x `blobHeight`, top-left aligned, zero padded.
    func writeBlob(into out: UnsafeMutablePointer<Float>, blobWidth: Int, blobHeight: Int, mean: Float, scale: Float,
                   rgb: Bool, layout: TensorLayout) throws {
        var error = BridgeError()
        guard cvb_image_to_blob(handle, out, Int32(blobWidth), Int32(blobHeight), mean, scale, rgb ? 1 : 0,
                                layout == .nhwc ? 1 : 0, &error.buffer, BridgeError.capacity) == 0
        else { throw VisionError.imageOperation(error.message) }
    }

    private func bridged(_ body: (UnsafeMutablePointer<CChar>, Int) -> OpaquePointer?) throws -> Image {
        var error = BridgeError()
        guard let result = error.buffer.withUnsafeMutableBufferPointer({ body($0.baseAddress!, $0.count) }) else {
            throw VisionError.imageOperation(error.message)
        }
        return Image(handle: result)
    }

    private static func describe(fileError error: Error, path: String) -> String {
        FileProblem.reason(at: path) ?? (error as NSError).localizedDescription
    }
}
