/// What `capsule-gate verify` found, built from the answers to its two calls by a pure function.
///
/// The first call is a `session_start` (any 2xx passes), the second a harmless `tool_invocation` (a 2xx with the
/// reference's allow or block answer passes; a block counts as success). The second is not sent when the first
/// failed. ``text`` and ``json`` render the report.
public struct VerifyReport: Sendable, Hashable {
    /// A round trip longer than this many seconds earns a warning to deploy near the Capsule region.
    public static let slowRoundTrip = 1.0

    /// Whether TLS was checked and how it went.
    public enum TLSState: String, Sendable, Hashable {
        /// An https answer came back, so the certificate was trusted.
        case ok
        /// The URL is `http` (loopback only).
        case notUsed = "not used"
        /// The TLS handshake or the certificate check failed.
        case failed
        /// No connection got far enough to tell.
        case notChecked = "not checked"
    }

    /// What the answers say about the token.
    public enum TokenState: String, Sendable, Hashable {
        /// A call got a 2xx.
        case accepted
        /// A call got a 401.
        case rejected
        /// No answer says either way.
        case notChecked = "not checked"
    }

    /// The outcome of one of the two calls.
    public struct Call: Sendable, Hashable {
        /// How the call ended.
        public enum Outcome: String, Sendable, Hashable {
            /// The observational event got a 2xx.
            case accepted
            /// The blocking event was allowed.
            case allow
            /// The blocking event was blocked (still a success: Capsule decided).
            case block
            /// The call got no reference answer.
            case failed
            /// The call was not made because the one before it failed.
            case notSent = "not sent"
        }

        /// `session_start` or `tool_invocation`.
        public var eventType: String
        /// How the call ended.
        public var outcome: Outcome
        /// The HTTP status, when an answer came.
        public var status: Int?
        /// The round trip in seconds, when an answer came.
        public var seconds: Double?
        /// Capsule's reason on a block, or the failure (`http 401`, `connection refused`) when the call failed.
        public var reason: String?

        /// Creates a call outcome.
        public init(
            eventType: String,
            outcome: Outcome,
            status: Int? = nil,
            seconds: Double? = nil,
            reason: String? = nil
        ) {
            self.eventType = eventType
            self.outcome = outcome
            self.status = status
            self.seconds = seconds
            self.reason = reason
        }
    }

    /// The URL both events were posted to.
    public var url: String
    /// Whether any HTTP answer came back.
    public var isEndpointReached: Bool
    /// Whether TLS was checked and how it went.
    public var tls: TLSState
    /// What the answers say about the token.
    public var token: TokenState
    /// The `session_start` call.
    public var telemetry: Call
    /// The `tool_invocation` call.
    public var decision: Call
    /// The agent id both events carried: look for it under Inventory > Agents.
    public var agentID: String
    /// The session id both events carried.
    public var sessionID: String
    /// Every problem found, in the order found; empty on success.
    public var problems: [VerifyProblem]
    /// Things that work but deserve attention (a slow round trip).
    public var warnings: [String]

    /// Whether both calls got the reference's answers.
    public var isSuccess: Bool { problems.isEmpty }

    /// Builds the report from the two calls' outcomes.
    ///
    /// - Parameters:
    ///   - url: The URL both events were posted to.
    ///   - agentID: The agent id the events carried.
    ///   - sessionID: The session id the events carried.
    ///   - telemetry: The answer to `session_start`, or why there was none.
    ///   - decision: The answer to `tool_invocation`, or why there was none; `nil` when it was not sent.
    public init(
        url: String,
        agentID: String,
        sessionID: String,
        telemetry: Result<HTTPResponse, TransportError>,
        decision: Result<HTTPResponse, TransportError>?
    ) {
        self.url = url
        self.agentID = agentID
        self.sessionID = sessionID
        let isTLS = url.lowercased().hasPrefix("https://")
        var problems: [VerifyProblem] = []
        var warnings: [String] = []
        let answers = [telemetry, decision].compactMap { $0 }
        let telemetryProblem = VerifyProblem.classify(
            telemetry,
            eventType: "session_start",
            isBlocking: false,
            url: url
        )
        if let telemetryProblem { problems.append(telemetryProblem) }
        self.telemetry = Self.call("session_start", telemetry, problem: telemetryProblem)
        if let decision {
            let problem = VerifyProblem.classify(decision, eventType: "tool_invocation", isBlocking: true, url: url)
            if let problem { problems.append(problem) }
            self.decision = Self.call("tool_invocation", decision, problem: problem)
        } else {
            self.decision = Call(
                eventType: "tool_invocation",
                outcome: .notSent,
                reason: telemetryProblem == nil ? nil : "session_start failed"
            )
        }
        for call in [self.telemetry, self.decision] {
            guard let seconds = call.seconds, seconds > Self.slowRoundTrip else { continue }
            warnings.append(
                "the \(call.eventType) round trip took \(Self.format(seconds: seconds)) (over 1 s); run capsule-gate "
                    + "in the same region as your Capsule deployment"
            )
        }
        let statuses = answers.compactMap { try? $0.get().status }
        isEndpointReached = !statuses.isEmpty
        if !isTLS {
            tls = .notUsed
        } else if isEndpointReached {
            tls = .ok
        } else if answers.contains(where: { Self.isTLSFailure($0) }) {
            tls = .failed
        } else {
            tls = .notChecked
        }
        if statuses.contains(401) {
            token = .rejected
        } else if statuses.contains(where: { (200..<300).contains($0) }) {
            token = .accepted
        } else {
            token = .notChecked
        }
        self.problems = problems
        self.warnings = warnings
    }

    /// Whether the `session_start` answer lets the `tool_invocation` follow.
    ///
    /// - Parameter telemetry: The answer to `session_start`.
    /// - Returns: `true` when it was a 2xx.
    public static func shouldSendDecision(after telemetry: Result<HTTPResponse, TransportError>) -> Bool {
        guard case .success(let response) = telemetry else { return false }
        return (200..<300).contains(response.status)
    }

    /// The summary of one call.
    private static func call(
        _ eventType: String,
        _ outcome: Result<HTTPResponse, TransportError>,
        problem: VerifyProblem?
    ) -> Call {
        switch outcome {
        case .failure(let error):
            return Call(eventType: eventType, outcome: .failed, reason: error.description)
        case .success(let response):
            var call = Call(eventType: eventType, outcome: .failed, status: response.status, seconds: response.elapsed)
            if problem != nil {
                call.reason = "http \(response.status)"
            } else if eventType == "session_start" {
                call.outcome = .accepted
            } else if let answer = CapsuleAnswer.parse(response.body) {
                call.outcome = answer.action == .block ? .block : .allow
                call.reason = answer.action == .block ? answer.reason : nil
            }
            return call
        }
    }

    /// Whether `outcome` is a TLS failure.
    private static func isTLSFailure(_ outcome: Result<HTTPResponse, TransportError>) -> Bool {
        switch outcome {
        case .failure(.tlsUntrusted), .failure(.tlsHostMismatch), .failure(.tls): true
        default: false
        }
    }

    /// `3.1 ms` below a second, `1.2 s` from a second on.
    static func format(seconds: Double) -> String {
        var bytes: [UInt8] = []
        if seconds < 1 {
            JSONWriter.appendDecimal(seconds * 1000, fractionDigits: 1, to: &bytes)
            return String(decoding: bytes, as: UTF8.self) + " ms"
        }
        JSONWriter.appendDecimal(seconds, fractionDigits: 1, to: &bytes)
        return String(decoding: bytes, as: UTF8.self) + " s"
    }
}
