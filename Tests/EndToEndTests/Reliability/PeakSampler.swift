import Foundation
import Synchronization

/// Samples a child's peak resident set (`VmHWM`) every 20 ms on its own thread, so the figure survives the exit.
final class PeakSampler: Sendable {
    private let state = Mutex((peak: 0, isStopped: false))
    private let done = DispatchSemaphore(value: 0)

    /// Starts sampling `pid`.
    init(pid: Int32) {
        Thread { [self] in
            while !state.withLock({ $0.isStopped }) {
                guard let value = ProcessMemory.peakBytes(of: pid) else { break }
                state.withLock { $0.peak = max($0.peak, value) }
                usleep(20_000)
            }
            done.signal()
        }.start()
    }

    /// Stops sampling and returns the highest `VmHWM` seen, in bytes.
    func stop() -> Int {
        state.withLock { $0.isStopped = true }
        done.wait()
        return state.withLock { $0.peak }
    }
}
