/// Sends event bodies to Capsule over ``CurlTransport``: the production ``WebhookSending``.
public final class CurlWebhookSender: WebhookSending {
    private let transport: CurlTransport
    private let url: String

    /// Creates a sender for `endpoint` with `token`.
    ///
    /// - Throws: ``TransportConfigurationError`` when the transport cannot be set up (e.g. a bad CA file).
    public init(
        endpoint: Endpoint,
        token: BearerToken,
        maxConnections: Int,
        caFile: String?
    ) throws(TransportConfigurationError) {
        self.url = endpoint.url
        let configuration = try TransportConfiguration(
            maxConnections: maxConnections,
            caFile: caFile,
            userAgent: "capsule-gate/\(CommandLineTool.version)"
        )
        self.transport = try CurlTransport(configuration: configuration, defaultHeaders: Self.headers(token))
    }

    public func post(body: [UInt8], correlationID: String, timeout: Double) async -> WebhookReply {
        let request = HTTPRequest(
            url: url,
            headers: ["x-correlation-id: \(Self.headerSafe(correlationID))"],
            body: body,
            timeout: timeout
        )
        switch await transport.send(request) {
        case .success(let response):
            return .response(
                status: response.status,
                body: response.body,
                retryAfter: response.retryAfter,
                seconds: response.elapsed
            )
        case .failure(let error):
            return .failure(TransportFailure(kind: Self.kind(of: error), description: error.description), seconds: 0)
        }
    }

    public func updateToken(_ token: BearerToken) {
        transport.setDefaultHeaders(Self.headers(token))
    }

    /// Stops the transport's thread.
    public func shutdown() {
        transport.shutdown()
    }

    static func headers(_ token: BearerToken) -> [String] {
        ["Authorization: Bearer \(token.value)", "Content-Type: application/json"]
    }

    /// The id with control characters replaced, so a caller's id can never split or inject a header.
    static func headerSafe(_ id: String) -> String {
        guard id.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return id }
        return String(
            String.UnicodeScalarView(id.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "_" : $0 })
        )
    }

    static func kind(of error: TransportError) -> TransportFailure.Kind {
        switch error {
        case .timeout: .timeout
        case .connectionRefused, .connectFailed, .connectionReset, .emptyReply, .couldNotResolveHost: .connection
        case .tlsUntrusted, .tlsHostMismatch, .tls: .tls
        case .cancelled: .cancelled
        case .responseTooLarge, .other: .other
        }
    }
}
