import Synchronization

/// Puts finished decision lines back in input order and hands each run that is ready to the writer.
public final class OrderedEmitter: Sendable {
    private let buffer = Mutex(ReorderBuffer<[UInt8]>())
    private let writer: OutputWriter
    private let window: LineWindow

    /// Creates an emitter writing through `writer`; suppressed lines release their `window` slot at once.
    public init(writer: OutputWriter, window: LineWindow) {
        self.writer = writer
        self.window = window
    }

    /// Submits the encoded line for sequence number `sequence`, or `nil` when that line writes nothing.
    public func submit(_ line: [UInt8]?, at sequence: Int) {
        let (suppressed, mustWake) = buffer.withLock { buffer in
            let (ready, released) = buffer.insert(line, at: sequence)
            return (released - ready.count, hand(ready))
        }
        if mustWake { writer.wakeUp() }
        window.release(suppressed)
    }

    /// Submits several lines at once: one lock, at most one hand-over to the writer.
    public func submit(_ lines: [(sequence: Int, line: [UInt8]?)]) {
        let (suppressed, mustWake) = buffer.withLock { buffer in
            var ready: [[UInt8]] = []
            var released = 0
            for (sequence, line) in lines {
                let (more, count) = buffer.insert(line, at: sequence)
                ready.append(contentsOf: more)
                released += count
            }
            return (released - ready.count, hand(ready))
        }
        if mustWake { writer.wakeUp() }
        window.release(suppressed)
    }

    /// Queues `ready` lines on the writer; called under the buffer's lock, so runs stay in order.
    ///
    /// - Returns: Whether the writer must be woken (after the lock is let go).
    private func hand(_ ready: [[UInt8]]) -> Bool {
        guard ready.count > 1 else { return ready.first.map { writer.enqueue($0, lines: 1) } ?? false }
        var joined: [UInt8] = []
        joined.reserveCapacity(ready.reduce(0) { $0 + $1.count })
        for line in ready { joined.append(contentsOf: line) }
        return writer.enqueue(joined, lines: ready.count)
    }
}
