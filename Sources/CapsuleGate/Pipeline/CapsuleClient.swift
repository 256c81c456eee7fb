import Synchronization

/// Asks Capsule about events: applies the circuit breaker, the token refresh after a 401, and the failure mapping.
public final class CapsuleClient: Sendable {
    private let sender: any WebhookSending
    private let credentials: Credentials
    private let breaker: Mutex<CircuitBreaker>
    private let log: DiagnosticLog

    /// Creates a client over `sender`.
    public init(sender: any WebhookSending, credentials: Credentials, breaker: CircuitBreaker, log: DiagnosticLog) {
        self.sender = sender
        self.credentials = credentials
        self.breaker = Mutex(breaker)
        self.log = log
    }

    /// Whether the circuit is open now (requests are answered without being sent).
    public var isCircuitOpen: Bool {
        let now = MonotonicClock.now()
        return breaker.withLock { $0.isOpen(now: now) }
    }

    /// Sends one event and says what Capsule's reply meant, with the seconds spent (`nil` when nothing was sent).
    ///
    /// - Parameters:
    ///   - event: The prepared event.
    ///   - timeout: The whole budget in seconds, a retry after a 401 included.
    ///   - classify: ``ReplyClassifier/classifyBlocking(_:)`` or ``ReplyClassifier/classifyTelemetry(_:)``.
    /// - Returns: The meaning of the reply, the seconds spent, and the server's `Retry-After`.
    public func send(
        _ event: PreparedEvent,
        timeout: Double,
        classify: (WebhookReply) -> ReplyMeaning
    ) async -> (meaning: ReplyMeaning, seconds: Double?, retryAfter: Double?) {
        let start = MonotonicClock.now()
        let permit = breaker.withLock { $0.permit(now: start) }
        if permit == .reject {
            return (.failed(reason: "circuit open: capsule unreachable", status: nil, kind: .unavailable), nil, nil)
        }
        if permit == .probe { log.say("circuit half-open: sending one probe to capsule") }
        var reply = await sender.post(body: event.body, correlationID: event.correlationID, timeout: timeout)
        var meaning = classify(reply)
        if case .failed(_, _, .unauthorized) = meaning, credentials.reload() != nil {
            sender.updateToken(credentials.token)
            log.say("re-read the token file after a 401; retrying once with the new token")
            let remaining = timeout - (MonotonicClock.now() - start)
            if remaining > 0.001 {
                reply = await sender.post(body: event.body, correlationID: event.correlationID, timeout: remaining)
                meaning = classify(reply)
            }
        }
        let end = MonotonicClock.now()
        record(meaning, permit: permit, now: end)
        var retryAfter: Double?
        if case .response(_, _, let value, _) = reply { retryAfter = value }
        return (meaning, end - start, retryAfter)
    }

    /// Re-reads the token file (SIGHUP) and starts using the new token.
    public func reloadToken() {
        if let token = credentials.reload() {
            sender.updateToken(token)
            log.say("token reloaded")
        } else {
            log.say("token unchanged")
        }
    }

    private func record(_ meaning: ReplyMeaning, permit: CircuitBreaker.Permit, now: Double) {
        let transition: CircuitBreaker.Transition?
        switch meaning {
        case .failed(_, _, .unavailable):
            transition = breaker.withLock { $0.recordFailure(permit: permit, now: now) }
        case .failed(_, _, .cancelled):
            breaker.withLock { $0.recordAbandoned(permit: permit) }
            transition = nil
        case .failed(_, _, .unauthorized):
            log.sayOnce(
                "401",
                "capsule rejected the token (http 401: invalid or expired); regenerate it in the Capsule portal "
                    + "under Integrations → Webhook Events"
            )
            transition = breaker.withLock { $0.recordSuccess(permit: permit) }
        case .decided, .accepted, .failed:
            transition = breaker.withLock { $0.recordSuccess(permit: permit) }
        }
        if let transition { log.say(transition.description) }
    }
}
