/// What an answer from Capsule means, for one blocking or observational event.
public enum ReplyMeaning: Sendable, Hashable {
    /// A blocking event was decided.
    case decided(DecisionLine.Action, reason: String?, status: Int)
    /// An observational event was accepted (any 2xx).
    case accepted(status: Int)
    /// Capsule did not decide; `reason` is the output line's reason.
    case failed(reason: String, status: Int?, kind: FailureKind)

    /// How a failure counts for the circuit breaker and for retries.
    public enum FailureKind: Sendable, Hashable {
        /// Timeout, broken connection, 408 or 5xx: Capsule is unwell; counts toward the breaker, retried.
        case unavailable
        /// 429: retried after `Retry-After`, not counted toward the breaker.
        case rateLimited
        /// 401: the token is invalid or expired; never retried (but the token file is re-read once).
        case unauthorized
        /// Anything else (400, 3xx, other 4xx, an unreadable answer, TLS): retrying will not help.
        case rejected
        /// Cancelled before an answer came.
        case cancelled
    }
}

/// Maps HTTP answers and transport failures to decisions: pure and table-tested.
public enum ReplyClassifier {
    /// Classifies the reply to a blocking event.
    public static func classifyBlocking(_ reply: WebhookReply) -> ReplyMeaning {
        switch reply {
        case .failure(let failure, _):
            return failed(failure)
        case .response(let status, let body, _, _):
            guard (200..<300).contains(status) else { return failed(status: status, body: body) }
            guard let answer = CapsuleAnswer.parse(body) else {
                return .failed(
                    reason: "http \(status): capsule's answer has no readable decision",
                    status: status,
                    kind: .rejected
                )
            }
            return .decided(answer.action, reason: answer.action == .block ? answer.reason : nil, status: status)
        }
    }

    /// Classifies the reply to an observational event: any 2xx accepts it.
    public static func classifyTelemetry(_ reply: WebhookReply) -> ReplyMeaning {
        switch reply {
        case .failure(let failure, _):
            return failed(failure)
        case .response(let status, let body, _, _):
            guard (200..<300).contains(status) else { return failed(status: status, body: body) }
            return .accepted(status: status)
        }
    }

    static func failed(_ failure: TransportFailure) -> ReplyMeaning {
        switch failure.kind {
        case .timeout, .connection:
            .failed(reason: failure.description, status: nil, kind: .unavailable)
        case .tls, .other:
            .failed(reason: failure.description, status: nil, kind: .rejected)
        case .cancelled:
            .failed(reason: failure.description, status: nil, kind: .cancelled)
        }
    }

    static func failed(status: Int, body: [UInt8]) -> ReplyMeaning {
        switch status {
        case 401:
            return .failed(reason: "http 401: invalid or expired token", status: status, kind: .unauthorized)
        case 408:
            return .failed(reason: "http 408: capsule timed out", status: status, kind: .unavailable)
        case 429:
            return .failed(reason: "http 429: rate limited", status: status, kind: .rateLimited)
        case 500..<600:
            return .failed(reason: "http \(status)", status: status, kind: .unavailable)
        case 300..<400:
            return .failed(
                reason: "http \(status): redirect not followed (check the URL)",
                status: status,
                kind: .rejected
            )
        case 404, 405:
            return .failed(reason: "http \(status): wrong URL path", status: status, kind: .rejected)
        case 400:
            let detail = CapsuleAnswer.errorMessage(body).map { ": \($0)" } ?? ": malformed request body"
            return .failed(reason: "http 400\(detail)", status: status, kind: .rejected)
        default:
            return .failed(reason: "http \(status)", status: status, kind: .rejected)
        }
    }
}

/// Capsule's answer to a blocking event: `{"apiVersion":"1","response":{"action":"allow"|"block","reason":…}}`.
public struct CapsuleAnswer: Sendable, Hashable {
    /// `allow` or `block`.
    public var action: DecisionLine.Action
    /// The reason given with a block.
    public var reason: String?

    /// Reads an answer body, or `nil` when it is not one.
    public static func parse(_ body: [UInt8]) -> CapsuleAnswer? {
        switch JSONPathReader.string(at: ["response", "action"], in: body) {
        case "allow": CapsuleAnswer(action: .allow, reason: nil)
        case "block":
            CapsuleAnswer(action: .block, reason: JSONPathReader.string(at: ["response", "reason"], in: body))
        default: nil
        }
    }

    /// The `error` string of an error body such as `{"error":"…","field":"…"}`, shortened to 200 characters.
    public static func errorMessage(_ body: [UInt8]) -> String? {
        guard !body.isEmpty, body.count < 65_536, let error = JSONPathReader.string(at: ["error"], in: body) else {
            return nil
        }
        return String(error.prefix(200))
    }
}
