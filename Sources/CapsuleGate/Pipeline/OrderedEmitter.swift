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
        let suppressed: Int = buffer.withLock { buffer in
            let (ready, released) = buffer.insert(line, at: sequence)
            hand(ready)
            return released - ready.count
        }
        window.release(suppressed)
    }

    /// Submits several lines at once: one lock, at most one hand-over to the writer.
    public func submit(_ lines: [(sequence: Int, line: [UInt8]?)]) {
        let suppressed: Int = buffer.withLock { buffer in
            var ready: [[UInt8]] = []
            var released = 0
            for (sequence, line) in lines {
                let (more, count) = buffer.insert(line, at: sequence)
                ready.append(contentsOf: more)
                released += count
            }
            hand(ready)
            return released - ready.count
        }
        window.release(suppressed)
    }

    /// Queues `ready` lines on the writer as one buffer; called under the buffer's lock, so runs stay in order.
    private func hand(_ ready: [[UInt8]]) {
        if ready.count == 1 {
            writer.enqueue(ready[0], lines: 1)
        } else if !ready.isEmpty {
            var joined: [UInt8] = []
            joined.reserveCapacity(ready.reduce(0) { $0 + $1.count })
            for line in ready { joined.append(contentsOf: line) }
            writer.enqueue(joined, lines: ready.count)
        }
    }
}
