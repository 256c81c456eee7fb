/// Why ``CurlTransport`` got no HTTP answer.
///
/// The description is the reason an output line states.
///
/// No case ever holds a header value, so the token cannot leak through an error.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request's whole budget passed; `seconds` is the configured timeout.
    case timeout(seconds: Double)
    /// Nothing listens at the address (`ECONNREFUSED`).
    case connectionRefused
    /// Connecting failed for another reason (unreachable network, connect reset, …); `reason` is libcurl's text.
    case connectFailed(reason: String)
    /// The connection broke while sending or receiving.
    case connectionReset
    /// The server closed the connection without sending a single byte of an answer.
    case emptyReply
    /// The host name does not resolve.
    case couldNotResolveHost(String)
    /// The server's certificate chain does not lead to a trusted CA.
    case tlsUntrusted
    /// The server's certificate does not name the host in the URL.
    case tlsHostMismatch(host: String)
    /// Another TLS failure (handshake, bad CA file, …); `reason` is libcurl's text.
    case tls(reason: String)
    /// The answer was larger than the configured cap, in bytes.
    case responseTooLarge(limit: Int)
    /// The calling task was cancelled, or the transport was shut down.
    case cancelled
    /// Any other libcurl failure.
    case other(code: Int, message: String)

    /// The reason as an output line states it, such as `timeout after 10s`.
    public var description: String {
        switch self {
        case .timeout(let seconds):
            "timeout after \(Self.format(seconds: seconds))s"
        case .connectionRefused:
            "connection refused"
        case .connectFailed(let reason):
            "could not connect: \(reason)"
        case .connectionReset:
            "connection reset"
        case .emptyReply:
            "server closed the connection without answering"
        case .couldNotResolveHost(let host):
            "could not resolve host '\(host)'"
        case .tlsUntrusted:
            "tls: certificate not trusted (pass --ca-file)"
        case .tlsHostMismatch(let host):
            "tls: certificate does not match host '\(host)'"
        case .tls(let reason):
            "tls: \(reason)"
        case .responseTooLarge(let limit):
            "response larger than \(limit) bytes"
        case .cancelled:
            "cancelled"
        case .other(let code, let message):
            "curl error \(code): \(message)"
        }
    }

    /// Whether the request may have reached the server.
    ///
    /// `false` only when the failure happened before a byte of the request was written (refused, unresolvable, TLS
    /// handshake): such a request is safe to send again. libcurl itself already retries, once, a request whose reused
    /// keep-alive connection turns out to be dead before any answer arrived, so a stale pooled connection never
    /// reaches the caller as a failure.
    public var wasSent: Bool {
        switch self {
        case .connectionRefused, .connectFailed, .couldNotResolveHost, .tlsUntrusted, .tlsHostMismatch, .tls:
            false
        case .timeout, .connectionReset, .emptyReply, .responseTooLarge, .cancelled, .other:
            true
        }
    }

    /// `10` for 10 seconds, `0.5` for half a second.
    static func format(seconds: Double) -> String {
        if seconds == seconds.rounded(), abs(seconds) < 1e15 {
            return String(Int(seconds))
        }
        return String(seconds)
    }
}
