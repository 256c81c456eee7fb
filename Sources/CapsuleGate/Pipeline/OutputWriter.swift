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

    /// Whether the descriptor's reader has gone.
    public var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Queues `bytes`, holding `lines` whole lines, for writing.
    public func enqueue(_ bytes: [UInt8], lines: Int) {
        let discarded: Bool = state.withLock { state in
            guard !state.isClosed else { return true }
            state.pending.append(contentsOf: bytes)
            state.lines += lines
            return false
        }
        if discarded {
            window.release(lines)
        } else {
            wake.signal()
        }
    }

    /// Writes everything queued, then stops the thread; returns when done.
    public func finish() {
        state.withLock { $0.isFinished = true }
        wake.signal()
        done.wait()
    }

    private func loop() {
        while true {
            wake.wait()
            let (bytes, lines, isFinished) = state.withLock { state in
                defer {
                    state.pending.removeAll(keepingCapacity: true)
                    state.lines = 0
                }
                return (state.pending, state.lines, state.isFinished)
            }
            if !bytes.isEmpty {
                if StandardStreams.write(bytes, to: descriptor) {
                    window.release(lines)
                } else {
                    let wasOpen = state.withLock { state in
                        defer { state.isClosed = true }
                        return !state.isClosed
                    }
                    window.release(lines)
                    if wasOpen { onClosed() }
                }
            }
            if isFinished, state.withLock({ $0.pending.isEmpty }) {
                done.signal()
                return
            }
        }
    }
}
