import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes decision lines to a descriptor on a dedicated thread, batching whatever is pending into one `write(2)`.
///
/// After each successful write it signals the line window once per line written, so the number of lines read but
/// not yet written stays bounded however slowly the reader of stdout reads. When the reader has gone (`EPIPE`), it
/// calls `onClosed` once and discards everything after.
public final class OutputWriter: Sendable {
    private struct State {
        var pending: [UInt8] = []
        var lines = 0
        var isFinished = false
        var isClosed = false
        /// Whether the writer thread sleeps on `wake`: only then does a new line need a wake-up.
        var isSleeping = false
    }

    private let descriptor: Int32
    private let window: LineWindow
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let onClosed: @Sendable () -> Void

    /// Creates a writer for `descriptor` and starts its thread.
    ///
    /// - Parameters:
    ///   - descriptor: Where lines go (stdout).
    ///   - window: Given back one slot per line written.
    ///   - onClosed: Called once, on the writer thread, when the descriptor's reader has gone.
    public init(descriptor: Int32, window: LineWindow, onClosed: @escaping @Sendable () -> Void) {
        self.descriptor = descriptor
        self.window = window
        self.onClosed = onClosed
        Thread.start(name: "capsule-gate.writer") { [self] in self.loop() }
    }

    /// Queues `bytes`, holding `lines` whole lines, for writing.
    ///
    /// The caller may hold a lock that orders its lines, so no system call happens here: when the writer thread
    /// sleeps, the caller must call ``wakeUp()`` once it has let go of its own lock.
    ///
    /// - Returns: Whether the caller must call ``wakeUp()``.
    public func enqueue(_ bytes: [UInt8], lines: Int) -> Bool {
        let (isDiscarded, mustWake) = state.withLock { state -> (Bool, Bool) in
            guard !state.isClosed else { return (true, false) }
            state.pending.append(contentsOf: bytes)
            state.lines += lines
            guard state.isSleeping else { return (false, false) }
            state.isSleeping = false
            return (false, true)
        }
        if isDiscarded { window.release(lines) }
        return mustWake
    }

    /// Wakes the writer thread after ``enqueue(_:lines:)`` asked for it.
    public func wakeUp() {
        wake.signal()
    }

    /// Writes everything queued, then stops the thread; returns when done.
    public func finish() {
        let mustWake = state.withLock { state in
            state.isFinished = true
            defer { state.isSleeping = false }
            return state.isSleeping
        }
        if mustWake { wake.signal() }
        done.wait()
    }

    private func loop() {
        // Two buffers swap places: the thread writes one while callers fill the other, and neither is reallocated.
        var writing: [UInt8] = []
        while true {
            var lines = 0
            var isFinished = false
            let hasWork = state.withLock { state in
                guard !state.pending.isEmpty else {
                    if state.isFinished { isFinished = true } else { state.isSleeping = true }
                    return false
                }
                swap(&state.pending, &writing)
                lines = state.lines
                state.lines = 0
                return true
            }
            guard hasWork else {
                if isFinished {
                    done.signal()
                    return
                }
                wake.wait()
                continue
            }
            if StandardStreams.write(writing, to: descriptor) {
                window.release(lines)
            } else {
                let wasOpen = state.withLock { state in
                    defer { state.isClosed = true }
                    return !state.isClosed
                }
                window.release(lines)
                if wasOpen { onClosed() }
            }
            writing.removeAll(keepingCapacity: true)
        }
    }
}
