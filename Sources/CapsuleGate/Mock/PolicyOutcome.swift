/// What a policy decided for one event, before any fault is drawn.
public struct PolicyOutcome: Sendable, Hashable {
    /// The answer to a blocking event.
    public enum Decision: Sendable, Hashable {
        /// `{"action":"allow"}`.
        case allow
        /// `{"action":"block","reason":…}`.
        case block(reason: String)
        /// An observational event: 202 with an empty body.
        case accepted
    }

    /// The decision.
    public var decision: Decision
    /// The name of the rule that matched, or `nil` when none did.
    public var ruleName: String?
    /// Milliseconds the matched rule adds before answering (`0` when none).
    public var latencyMilliseconds: Double
    /// The status the matched rule fails with, when it injects failures.
    public var failStatus: Int?
    /// The fraction of requests that fail with ``failStatus`` (`0` when none).
    public var failRate: Double
    /// Whether the matched rule black-holes the request.
    public var isBlackhole: Bool

    /// Creates an outcome.
    public init(
        decision: Decision,
        ruleName: String? = nil,
        latencyMilliseconds: Double = 0,
        failStatus: Int? = nil,
        failRate: Double = 0,
        isBlackhole: Bool = false
    ) {
        self.decision = decision
        self.ruleName = ruleName
        self.latencyMilliseconds = latencyMilliseconds
        self.failStatus = failStatus
        self.failRate = failRate
        self.isBlackhole = isBlackhole
    }
}
