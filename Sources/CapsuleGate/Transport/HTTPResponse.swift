/// The answer to one ``HTTPRequest``: any status, including 3xx, 4xx and 5xx.
public struct HTTPResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// The response body, at most the configured ``TransportConfiguration/maxResponseBytes``.
    public var body: [UInt8]
    /// The server's `Retry-After` in seconds (a delay, or an HTTP-date turned into a delay), when it sent one.
    public var retryAfter: Double?
    /// Seconds from ``CurlTransport/send(_:)`` being called to the answer being complete.
    public var elapsed: Double

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - status: The HTTP status code.
    ///   - body: The response body.
    ///   - retryAfter: The server's `Retry-After` in seconds, if any.
    ///   - elapsed: Seconds the request took.
    public init(status: Int, body: [UInt8], retryAfter: Double? = nil, elapsed: Double) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
        self.elapsed = elapsed
    }
}
