/// Decides the mock's answer to one request: routing, auth, validation, policy and faults.
///
/// Pure: the random draws come from the caller.
public struct MockResponder: Sendable {
    /// The only path served.
    public static let endpoint = "/v1/generic-webhook/hooks/events"
    /// The allow answer, exactly as the reference shows it.
    public static let allowBody: [UInt8] = Array(#"{"apiVersion":"1","response":{"action":"allow"}}"#.utf8)

    /// The token requests must carry, or `nil` to accept any non-empty bearer token.
    public var token: BearerToken?
    /// The decision rules.
    public var policy: Policy
    /// The server-wide faults.
    public var faults: MockFaults

    /// Creates a responder.
    public init(token: BearerToken? = nil, policy: Policy = Policy(), faults: MockFaults = MockFaults()) {
        self.token = token
        self.policy = policy
        self.faults = faults
    }

    /// Decides the answer to one request.
    ///
    /// Server-wide faults come first (latency, black hole, failure draw), then the route (404, 405), the token
    /// (401), validation (400), and the policy with its rule's faults; latencies add.
    ///
    /// - Parameters:
    ///   - head: The request line and headers.
    ///   - body: The request body.
    ///   - random: Returns a uniform draw in `0..<1`; called only for ranges and rates strictly between 0 and 1.
    /// - Returns: The answer.
    public func respond(
        to head: HTTPRequestHead,
        body: UnsafeRawBufferPointer,
        random: () -> Double
    ) -> MockReply {
        var delay = 0.0
        if let latency = faults.latency {
            delay += latency.isFixed ? latency.minimum : latency.delay(unit: random())
        }
        func reply(_ status: Int?, _ body: [UInt8] = [], extra: [String] = [], isValid: Bool = false) -> MockReply {
            MockReply(
                status: status,
                body: body,
                extraHeaders: extra,
                delayNanoseconds: UInt64((delay * 1_000_000).rounded()),
                isValidEvent: isValid
            )
        }
        if faults.isBlackhole { return reply(nil) }
        if Self.draw(faults.failRate, random) {
            return reply(faults.failStatus, JSONText.errorBody("injected failure"))
        }
        guard head.path == Self.endpoint else {
            return reply(404, JSONText.errorBody("no route for '\(head.path)'; POST to \(Self.endpoint)"))
        }
        guard head.method == "POST" else {
            return reply(
                405,
                JSONText.errorBody("method '\(head.method)' not allowed; use POST"),
                extra: ["Allow: POST"]
            )
        }
        if let problem = authorizationProblem(head.value(of: "authorization")) {
            return reply(401, JSONText.errorBody(problem))
        }
        let event: ValidatedEvent
        switch EventValidator.validate(body) {
        case .success(let validated):
            event = validated
        case .failure(let failure):
            var text = JSONText.errorBody(failure.message)
            text.removeLast()
            text.append(contentsOf: Array(#","field":"#.utf8))
            if let field = failure.field {
                JSONText.appendString(field, to: &text)
            } else {
                text.append(contentsOf: Array("null".utf8))
            }
            text.append(0x7D)
            return reply(400, text)
        }
        let outcome = policy.evaluate(event)
        delay += outcome.latencyMilliseconds
        if outcome.isBlackhole { return reply(nil) }
        if let status = outcome.failStatus, Self.draw(outcome.failRate, random) {
            return reply(status, JSONText.errorBody("injected failure"))
        }
        switch outcome.decision {
        case .allow:
            return reply(200, Self.allowBody, isValid: true)
        case .accepted:
            return reply(202, isValid: true)
        case .block(let reason):
            var text: [UInt8] = Array(#"{"apiVersion":"1","response":{"action":"block","reason":"#.utf8)
            JSONText.appendString(reason, to: &text)
            text.append(contentsOf: [0x7D, 0x7D])
            return reply(200, text, isValid: true)
        }
    }

    /// Whether a draw at `rate` fails: always at 1, never at 0, else a uniform draw below `rate`.
    private static func draw(_ rate: Double, _ random: () -> Double) -> Bool {
        if rate <= 0 { return false }
        if rate >= 1 { return true }
        return random() < rate
    }

    /// Why the `Authorization` value is refused, or `nil` when it is accepted.
    private func authorizationProblem(_ value: String?) -> String? {
        guard let value, value.utf8.count > 7,
            value.utf8.prefix(7).map({ $0 | 0x20 }) == Array("bearer ".utf8)
        else {
            return "missing bearer token; send 'Authorization: Bearer <token>'"
        }
        let presented = value.utf8.dropFirst(7).drop { $0 == 0x20 }
        guard !presented.isEmpty else { return "missing bearer token; send 'Authorization: Bearer <token>'" }
        guard let token else { return nil }
        return Self.constantTimeEqual(Array(presented), Array(token.value.utf8)) ? nil : "invalid or expired token"
    }

    /// Compares two byte strings in time that depends only on their lengths, not on where they differ.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        if left.count != right.count { difference |= 1 }
        let count = max(left.count, right.count)
        for index in 0..<count {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }
}
