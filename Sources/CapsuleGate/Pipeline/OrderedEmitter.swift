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
            if ready.count == 1 {
                writer.enqueue(ready[0], lines: 1)
            } else if !ready.isEmpty {
                var joined: [UInt8] = []
                joined.reserveCapacity(ready.reduce(0) { $0 + $1.count })
                for line in ready { joined.append(contentsOf: line) }
                writer.enqueue(joined, lines: ready.count)
            }
            return released - ready.count
        }
        window.release(suppressed)
    }
}
