import Dispatch
import Synchronization

/// The window of lines read but not yet written: the reader takes a slot per line, the writer gives slots back.
///
/// When the window is full the reader sleeps until `resumeAt` slots are free again, not just one: waking the reader
/// once per written line would cost a context switch per event at full speed.
public final class LineWindow: Sendable {
    private struct State {
        var available: Int
        var isWaiting = false
    }

    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    /// Free slots a waiting reader needs before it is woken.
    public let resumeAt: Int

    /// Creates a window of `size` slots; a full window reopens when `resumeAt` (default an eighth) are free.
    public init(size: Int, resumeAt: Int? = nil) {
        state = Mutex(State(available: size))
        self.resumeAt = min(size, max(1, resumeAt ?? size / 8))
    }

    /// Takes one slot, sleeping while the window is full; `beforeWaiting` runs first when it must sleep.
    public func acquire(beforeWaiting: () -> Void = {}) {
        let mustWait = state.withLock { state in
            guard state.available == 0 else {
                state.available -= 1
                return false
            }
            state.isWaiting = true
            return true
        }
        guard mustWait else { return }
        beforeWaiting()
        wake.wait()
        state.withLock { $0.available -= 1 }
    }

    /// Gives back `count` slots.
    public func release(_ count: Int = 1) {
        guard count > 0 else { return }
        let mustWake = state.withLock { state in
            state.available += count
            guard state.isWaiting, state.available >= resumeAt else { return false }
            state.isWaiting = false
            return true
        }
        if mustWake { wake.signal() }
    }
}
