/// The server-wide faults of `capsule-gate mock`, applied to every request.
public struct MockFaults: Sendable, Hashable {
    /// Delay before every answer (`--latency`), or `nil`.
    public var latency: LatencyRange?
    /// Fraction of requests answered with ``failStatus`` (`--fail-rate`).
    public var failRate: Double
    /// Status of injected failures (`--fail-status`).
    public var failStatus: Int
    /// Whether every request is read and never answered (`--blackhole`).
    public var isBlackhole: Bool

    /// Creates a fault set; the defaults inject nothing.
    public init(latency: LatencyRange? = nil, failRate: Double = 0, failStatus: Int = 500, isBlackhole: Bool = false) {
        self.latency = latency
        self.failRate = failRate
        self.failStatus = failStatus
        self.isBlackhole = isBlackhole
    }
}
