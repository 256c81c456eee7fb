/// Capped exponential backoff with full jitter for telemetry retries.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// The first backoff's upper bound, in seconds.
    public var base: Double = 0.1
    /// The largest backoff, in seconds.
    public var cap: Double = 5
    /// The longest `Retry-After` honoured, in seconds.
    public var retryAfterCap: Double = 30

    /// Creates a policy of `attempts` attempts.
    public init(attempts: Int, base: Double = 0.1, cap: Double = 5) {
        self.attempts = attempts
        self.base = base
        self.cap = cap
    }

    /// Seconds to wait before attempt `attempt + 1` (0-based `attempt` just failed).
    ///
    /// - Parameters:
    ///   - attempt: The 0-based number of the attempt that failed.
    ///   - retryAfter: The server's `Retry-After` in seconds, honoured (up to `retryAfterCap`) over the backoff.
    ///   - unit: A random number in `0..<1` for the jitter.
    /// - Returns: The delay in seconds.
    public func delay(after attempt: Int, retryAfter: Double?, unit: Double) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), retryAfterCap) }
        let ceiling = min(cap, base * Double(1 << min(attempt, 20)))
        return ceiling / 2 + ceiling / 2 * unit
    }
}
