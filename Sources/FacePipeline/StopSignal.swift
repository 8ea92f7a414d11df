import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a flag that long-running loops check between items, so that the
/// current item is finished and the process exits cleanly. A second signal exits at once.
public final class StopSignal: @unchecked Sendable {
    // Unchecked: `sources` is only touched under `lock`; it just keeps the dispatch sources alive.
    private let stopped = Atomic<Bool>(false)
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    /// Installs the handlers; `onFirst` is told which signal arrived.
    public func install(onFirst: @escaping @Sendable (Int32) -> Void = { _ in }) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                if isStopped { exit(128 + number) }
                stop()
                onFirst(number)
            }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }
}
