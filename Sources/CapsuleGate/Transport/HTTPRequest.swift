/// One HTTP `POST` for ``CurlTransport`` to send.
///
/// The transport adds its default headers (see ``CurlTransport/setDefaultHeaders(_:)``) to every request, so a
/// request carries only what changes from one request to the next, such as `x-correlation-id`.
public struct HTTPRequest: Sendable, Hashable {
    /// The absolute `http` or `https` URL to post to.
    public var url: String
    /// Extra header lines for this request only, each `Name: value`.
    public var headers: [String]
    /// The request body, sent as is.
    public var body: [UInt8]
    /// The whole budget in seconds (connect, TLS, send, wait, receive); fractions allowed.
    public var timeout: Double

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - url: The absolute `http` or `https` URL to post to.
    ///   - headers: Extra header lines for this request only, each `Name: value`.
    ///   - body: The request body.
    ///   - timeout: The whole budget in seconds.
    public init(url: String, headers: [String] = [], body: [UInt8], timeout: Double) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
