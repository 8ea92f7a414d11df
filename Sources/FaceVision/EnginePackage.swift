import Foundation
import ZIPFoundation

/// The OpenVINO runtime frs uses: the minimal set of native libraries from the `openvino` wheel on
/// PyPI (they do not depend on Python), plus its licence files. Every file's SHA-256 is pinned.
enum OpenVINOPackage {
    static let requirement = "openvino==2026.4.1"
    static let wheelName = "openvino-2026.4.1-22982-cp311-cp311-manylinux_2_28_x86_64.whl"
    static let wheelSHA256 = "2d22b1da03f7caf74df30e9f6417d0ab2f637e4a38e08e1dcd294d2c37407aaf"
    /// The wheel pip is asked for, whatever Python runs pip.
    static let platform = (tag: "manylinux_2_28_x86_64", python: "3.11")
    static let folderName = "openvino-2026.4.1"
    /// What frs dlopens; RPATH `$ORIGIN` finds the rest beside it, and OpenVINO finds its CPU plugin
    /// and frontends there by name.
    static let entryLibrary = "libopenvino_c.so.2641"

    struct File {
        var member: String
        var sha256: String
        var name: String { String(member.split(separator: "/").last!) }
    }

    static let files: [File] = [
        File(member: "openvino/libs/libopenvino.so.2641", sha256: "9b9a80ac1f18e07b13ed54459d9a865bcfe9dc170dbf8fe740c2974b85ecedc1"),
        File(member: "openvino/libs/libopenvino_c.so.2641", sha256: "d2d0836d422b21fc5da2739af0d6035df3fc6dd5e4756402eb848974edecf8a5"),
        File(member: "openvino/libs/libopenvino_intel_cpu_plugin.so", sha256: "6599e3dd300d047b5ed72f8e48101c5f312c25321f35f57f803641ff8372900b"),
        File(member: "openvino/libs/libopenvino_tensorflow_frontend.so.2641", sha256: "4f1d789e3bfad9270ad726c8edf3764113415df3b3531a132cafb6527bea1796"),
        File(member: "openvino/libs/libopenvino_ir_frontend.so.2641", sha256: "554e9fd3d4a0fbc587c14379464b2324e24b8ea736cfb749ad2cd9e74dfc09e0"),
        File(member: "openvino/libs/libtbb.so.12", sha256: "ac9518497a4f2cb6729792730f145ee58367316031511923fef263c9ac81ca61"),
        File(member: "openvino/libs/libtbbmalloc.so.2", sha256: "0cccbdb4783bf190da19b34540fb7f749b0955ec1982d7ac8e5f398365399895"),
        File(member: "openvino-2026.4.1.dist-info/licenses/LICENSE", sha256: "c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4"),
        File(member: "openvino-2026.4.1.dist-info/licenses/licensing/onednn_third-party-programs.txt", sha256: "f1b16991dfe8488f3f5f07cccba575c31c91175a9f2c8d9e1569665f86e0b2f6"),
        File(member: "openvino-2026.4.1.dist-info/licenses/licensing/onetbb_third-party-programs.txt", sha256: "b10997cc50652ba6ab365e3bc43e13057681cd4a56533b46171529bd249749f3"),
        File(member: "openvino-2026.4.1.dist-info/licenses/licensing/runtime-third-party-programs.txt", sha256: "caf4040a8c3043c9fdc7638ccc61078b40ce623e69e3bcd2bc544ae70a368b2f"),
    ]
}

extension ModelStore {
    /// Where the OpenVINO libraries live: a folder of the models cache.
    public var engineDirectory: URL { directory.appendingPathComponent(OpenVINOPackage.folderName, isDirectory: true) }
    /// Patched graphs written for OpenVINO, which reads TensorFlow graphs only from files.
    var graphDirectory: URL { directory.appendingPathComponent("graphs", isDirectory: true) }
    /// OpenVINO's CACHE_DIR: compiled models, so that a shape seen before compiles fast.
    var compiledCacheDirectory: URL { directory.appendingPathComponent("openvino-cache", isDirectory: true) }

    public static var engineRequirement: String { OpenVINOPackage.requirement }

    /// Whether the OpenVINO runtime is installed and every file's SHA-256 matches.
    public func engineState() -> State {
        var missing = 0
        for file in OpenVINOPackage.files {
            switch verify(engineDirectory.appendingPathComponent(file.name), size: nil, sha256: file.sha256) {
            case .installed: continue
            case .missing: missing += 1
            case .corrupt(let reason): return .corrupt(reason)
            }
        }
        if missing == OpenVINOPackage.files.count { return .missing }
        return missing == 0 ? .installed : .corrupt("\(missing) of \(OpenVINOPackage.files.count) files missing")
    }

    /// Downloads the `openvino` wheel, checks its SHA-256, and extracts the libraries and licences
    /// into `engineDirectory`, each checked against its SHA-256. Nothing that fails a check is kept.
    public func installEngine(progress: (String) -> Void = { _ in }) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw VisionError.modelInstall("cannot create the models directory \(directory.path): \(error.localizedDescription). Set FRS_MODELS to a writable folder.")
        }
        let scratch = directory.appendingPathComponent(".download-openvino-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: scratch)
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }

        var wheel = scratch.appendingPathComponent(OpenVINOPackage.wheelName)
        if let local = wheelDirectory?.appendingPathComponent(OpenVINOPackage.wheelName), fm.fileExists(atPath: local.path) {
            wheel = local
            progress("Using \(local.path)")
        } else {
            progress("Downloading \(OpenVINOPackage.requirement) with pip (inference engine, 59 MB, one time)...")
            try runPip(requirement: OpenVINOPackage.requirement, into: scratch, platform: OpenVINOPackage.platform)
        }
        let wheelDigest = try Self.sha256(of: wheel)
        guard wheelDigest == OpenVINOPackage.wheelSHA256 else {
            throw VisionError.modelInstall("the downloaded wheel \(OpenVINOPackage.wheelName) has SHA-256 \(wheelDigest), expected \(OpenVINOPackage.wheelSHA256); it was discarded. Check your package index or proxy, then run `frs models install` again.")
        }

        progress("Extracting the OpenVINO libraries...")
        let staged = scratch.appendingPathComponent(OpenVINOPackage.folderName, isDirectory: true)
        try fm.createDirectory(at: staged, withIntermediateDirectories: true)
        do {
            let archive = try Archive(url: wheel, accessMode: .read)
            for file in OpenVINOPackage.files {
                guard let entry = archive[file.member] else {
                    throw VisionError.modelInstall("\(OpenVINOPackage.wheelName) has no \(file.member)")
                }
                let target = staged.appendingPathComponent(file.name)
                _ = try archive.extract(entry, to: target, skipCRC32: false)
                let digest = try Self.sha256(of: target)
                guard digest == file.sha256 else {
                    throw VisionError.modelInstall("\(file.member) has SHA-256 \(digest), expected \(file.sha256); nothing was installed.")
                }
            }
        } catch let error as VisionError {
            throw error
        } catch {
            throw VisionError.modelInstall("cannot extract the OpenVINO libraries from \(OpenVINOPackage.wheelName): \(error)")
        }
        // Replace the folder as a whole, so that a running frs never sees a mix of old and new files.
        _ = try? fm.removeItem(at: engineDirectory)
        do {
            try fm.moveItem(at: staged, to: engineDirectory)
        } catch {
            throw VisionError.modelInstall("cannot move the OpenVINO libraries into \(engineDirectory.path): \(error.localizedDescription)")
        }
        for file in OpenVINOPackage.files { writeStamp(for: engineDirectory.appendingPathComponent(file.name)) }
        progress("Installed OpenVINO \(OpenVINOPackage.requirement.split(separator: "=").last!) at \(engineDirectory.path)")
    }
}
