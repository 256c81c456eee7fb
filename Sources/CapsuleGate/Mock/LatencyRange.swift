/// A delay in milliseconds: fixed (`20`) or drawn uniformly from a range (`5-15`).
public struct LatencyRange: Sendable, Hashable {
    /// The shortest delay, in milliseconds.
    public var minimum: Double
    /// The longest delay, in milliseconds.
    public var maximum: Double

    /// Creates a range; `minimum` must not exceed `maximum`.
    public init(minimum: Double, maximum: Double) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Parses `MS` or `MIN-MAX` (milliseconds, fractions allowed, 0 to 600000), or returns `nil`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let values = parts.compactMap { Double($0) }
        guard values.count == parts.count, let low = values.first, let high = values.last,
            low.isFinite, high.isFinite, low >= 0, high >= low, high <= 600_000
        else { return nil }
        self.init(minimum: low, maximum: high)
    }

    /// Whether the delay is the same every time (no draw needed).
    public var isFixed: Bool { minimum == maximum }

    /// The delay for a uniform draw `unit` in `0..<1`.
    public func delay(unit: Double) -> Double {
        minimum + (maximum - minimum) * unit
    }
}
