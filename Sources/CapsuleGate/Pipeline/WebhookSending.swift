/// What one POST to Capsule came to.
public enum WebhookReply: Sendable, Hashable {
    /// Capsule (or something on the way) answered with an HTTP status.
    case response(status: Int, body: [UInt8], retryAfter: Double?, seconds: Double)
    /// No answer: the transport failed.
    case failure(TransportFailure, seconds: Double)
}

/// Why no HTTP answer came back.
public struct TransportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it was.
    public enum Kind: Sendable, Hashable {
        /// The timeout passed.
        case timeout
        /// Connecting failed, or the connection broke (refused, reset, unreachable, closed without answer).
        case connection
        /// TLS failed (untrusted certificate, handshake).
        case tls
        /// The task was cancelled.
        case cancelled
        /// Anything else (answer too large, resolver, curl internals).
        case other
    }

    /// What kind of failure it was.
    public var kind: Kind
    /// The reason as the output line states it, such as `timeout after 10s` or `connection refused`.
    public var description: String

    /// Creates a failure.
    public init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }
}

/// Sends event bodies to Capsule's webhook: the edge between the pipeline and the HTTP transport.
public protocol WebhookSending: Sendable {
    /// POSTs `body` with the current token and `x-correlation-id: correlationID`, giving up after `timeout` seconds.
    func post(body: [UInt8], correlationID: String, timeout: Double) async -> WebhookReply
    /// Replaces the token used from the next request on.
    func updateToken(_ token: BearerToken)
}
