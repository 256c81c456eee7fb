/// Holds finished results that arrived out of order and releases them in sequence.
///
/// Sequence numbers start at 0 and every one must be inserted exactly once. A result may be `nil` (nothing to
/// write) and still advances the sequence.
public struct ReorderBuffer<Element> {
    /// The next sequence number to release.
    public private(set) var next = 0
    private var waiting: [Int: Element?] = [:]

    /// Creates an empty buffer expecting sequence number 0 first.
    public init() {}

    /// How many results wait for an earlier one.
    public var waitingCount: Int { waiting.count }

    /// Adds the result for `sequence` and returns every result now ready, in order, with `nil` results skipped.
    ///
    /// - Returns: The results from `next` on that are contiguous, and the number of sequence numbers released
    ///   (which counts the `nil` ones too).
    public mutating func insert(_ element: Element?, at sequence: Int) -> (ready: [Element], released: Int) {
        precondition(sequence >= next && waiting[sequence] == nil, "sequence \(sequence) inserted twice")
        if sequence != next {
            waiting[sequence] = .some(element)
            return ([], 0)
        }
        var ready: [Element] = []
        if let element { ready.append(element) }
        next += 1
        var released = 1
        while let pending = waiting.removeValue(forKey: next) {
            if let pending { ready.append(pending) }
            next += 1
            released += 1
        }
        return (ready, released)
    }
}
