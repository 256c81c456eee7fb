/// One problem `capsule-gate verify` found, with the vendor's troubleshooting advice in a newcomer's words.
///
/// ``classify(_:eventType:isBlocking:url:)`` maps one call's outcome to a problem (or none); ``summary`` and
/// ``advice`` are the report's `problem:` and `advice:` lines.
public enum VerifyProblem: Sendable, Hashable {
    /// 401: the token is invalid or expired.
    case tokenRejected
    /// 404 or 405: the URL's path is not the webhook's; `path` is the path used, `origin` the URL without it.
    case wrongPath(status: Int, path: String, origin: String)
    /// 3xx: something answered with a redirect, which is never followed.
    case redirected(status: Int)
    /// 400: Capsule found the event malformed; `detail` is its error message, if it gave one.
    case malformedEvent(detail: String?)
    /// 408: Capsule took too long to process the event.
    case capsuleTimedOut
    /// 429: Capsule is rate limiting.
    case rateLimited
    /// 5xx: an error on Capsule's side.
    case serverError(status: Int)
    /// Any other status.
    case unexpectedStatus(Int)
    /// A 2xx whose body is not the reference's answer to a blocking event.
    case unexpectedAnswer(eventType: String, status: Int)
    /// Nothing accepted the connection at `authority` (`HOST:PORT`); `reason` is the transport's.
    case nothingAnswered(authority: String, reason: String)
    /// The host name does not resolve.
    case hostNotFound(host: String)
    /// No answer to `eventType` within `seconds`.
    case timeout(eventType: String, seconds: Double, authority: String)
    /// The server's certificate is not signed by a trusted CA.
    case tlsUntrusted
    /// The server's certificate does not name the URL's host.
    case tlsHostMismatch(host: String)
    /// Another TLS failure.
    case tlsFailed(reason: String)
    /// The connection was closed or reset before an answer came.
    case connectionDropped(authority: String)
    /// The answer was larger than the transport accepts.
    case answerTooLarge(limit: Int)
    /// Any other transport failure.
    case requestFailed(reason: String)

    /// The `problem:` line: what went wrong, in plain words.
    public var summary: String {
        switch self {
        case .tokenRejected:
            "capsule rejected the token (http 401: invalid or expired token)"
        case .wrongPath(let status, let path, _):
            "the URL's path is wrong: http \(status) \(status == 405 ? "(method not allowed)" : "(not found)") "
                + "for '\(path)'"
        case .redirected(let status):
            "the server answered with a redirect (http \(status)); capsule-gate does not follow redirects"
        case .malformedEvent(let detail):
            "capsule rejected the event as malformed (http 400\(detail.map { ": \($0)" } ?? ""))"
        case .capsuleTimedOut:
            "capsule took too long to process the event (http 408)"
        case .rateLimited:
            "capsule is rate limiting this token (http 429)"
        case .serverError(let status):
            "capsule-side error (http \(status))"
        case .unexpectedStatus(let status):
            "unexpected answer (http \(status))"
        case .unexpectedAnswer(let eventType, let status):
            "the answer to \(eventType) (http \(status)) is not in the reference's shape "
                + #"{"apiVersion":"1","response":{"action":"allow"|"block"}}"#
        case .nothingAnswered(let authority, let reason):
            "nothing answered at \(authority) (\(reason))"
        case .hostNotFound(let host):
            "could not resolve the host '\(host)'"
        case .timeout(let eventType, let seconds, let authority):
            "no answer to \(eventType) from \(authority) within \(TransportError.format(seconds: seconds)) s"
        case .tlsUntrusted:
            "the server's TLS certificate is not trusted"
        case .tlsHostMismatch(let host):
            "the server's TLS certificate does not name the host '\(host)'"
        case .tlsFailed(let reason):
            "the TLS connection failed (\(reason))"
        case .connectionDropped(let authority):
            "the server at \(authority) closed the connection without answering"
        case .answerTooLarge(let limit):
            "the answer was larger than \(limit) bytes, which is not a Capsule answer"
        case .requestFailed(let reason):
            "the request failed (\(reason))"
        }
    }

    /// The `advice:` line: what to do about it, after the vendor's troubleshooting table.
    public var advice: String {
        switch self {
        case .tokenRejected:
            "regenerate the token in the Capsule portal under Integrations → Webhook Events, then put it in the "
                + "token file (--token-file) or CAPSULE_TOKEN"
        case .wrongPath(_, _, let origin):
            "the webhook's path is \(Endpoint.defaultPath): pass --url \(origin)\(Endpoint.defaultPath) "
                + "(a URL with no path gets it added)"
        case .redirected:
            "check the URL's scheme, host and path; use the exact address of your Capsule deployment"
        case .malformedEvent:
            "check that nothing between here and Capsule (a proxy) changes the request, and compare the event "
                + "with the reference's examples"
        case .capsuleTimedOut:
            "retry later; meanwhile the filter treats this as allow (fail-open)"
        case .rateLimited:
            "wait a little and retry; the filter retries telemetry after the server's Retry-After"
        case .serverError:
            "retry later; meanwhile the filter fails open (allows) unless --fail-mode closed; contact Capsule "
                + "support if it persists"
        case .unexpectedStatus, .unexpectedAnswer, .answerTooLarge:
            "check that the URL points at Capsule's generic webhook, not at another service or a proxy's page"
        case .nothingAnswered:
            "check the host and port in --url (or CAPSULE_URL), and that this machine can reach them "
                + "(firewall, VPN, proxy)"
        case .hostNotFound:
            "check the host name in --url (or CAPSULE_URL): it must be your Capsule host"
        case .timeout:
            "check that the host and port are Capsule's and reachable from here (an https URL to a plain http port "
                + "also stalls); raise --blocking-timeout or --telemetry-timeout only if the network is known to be slow"
        case .tlsUntrusted:
            "the certificate is not trusted: pass --ca-file PATH with the PEM certificate of the CA that signed it "
                + "(for example your company's proxy CA)"
        case .tlsHostMismatch:
            "use the host name the certificate was issued for in --url"
        case .tlsFailed:
            "check that the URL's port serves https, and pass --ca-file PATH if a private CA signed its certificate"
        case .connectionDropped:
            "check the URL's scheme (https or http) and port: something other than Capsule may be listening there"
        case .requestFailed:
            "check the URL and the network, then retry"
        }
    }

    /// The problem with one call's outcome, or `nil` when the call got the reference's answer.
    ///
    /// An observational event passes with any 2xx; a blocking one needs a 2xx whose body is an allow or a block.
    ///
    /// - Parameters:
    ///   - outcome: The HTTP answer, or why there was none.
    ///   - eventType: The event's type, for the messages.
    ///   - isBlocking: Whether the event waits for a decision.
    ///   - url: The URL the event was posted to.
    /// - Returns: The problem, or `nil`.
    public static func classify(
        _ outcome: Result<HTTPResponse, TransportError>,
        eventType: String,
        isBlocking: Bool,
        url: String
    ) -> VerifyProblem? {
        switch outcome {
        case .success(let response):
            return classify(
                status: response.status,
                body: response.body,
                eventType: eventType,
                isBlocking: isBlocking,
                url: url
            )
        case .failure(let error):
            return classify(error, eventType: eventType, url: url)
        }
    }

    /// The problem with an HTTP answer, or `nil` when it is the reference's.
    static func classify(
        status: Int,
        body: [UInt8],
        eventType: String,
        isBlocking: Bool,
        url: String
    ) -> VerifyProblem? {
        switch status {
        case 200..<300:
            guard isBlocking else { return nil }
            return CapsuleAnswer.parse(body) == nil ? .unexpectedAnswer(eventType: eventType, status: status) : nil
        case 300..<400: return .redirected(status: status)
        case 400: return .malformedEvent(detail: CapsuleAnswer.errorMessage(body))
        case 401: return .tokenRejected
        case 404, 405:
            let parts = URLParts(url)
            return .wrongPath(status: status, path: parts.path, origin: parts.origin)
        case 408: return .capsuleTimedOut
        case 429: return .rateLimited
        case 500..<600: return .serverError(status: status)
        default: return .unexpectedStatus(status)
        }
    }

    /// The problem behind a transport failure.
    static func classify(_ error: TransportError, eventType: String, url: String) -> VerifyProblem {
        let parts = URLParts(url)
        switch error {
        case .connectionRefused:
            return .nothingAnswered(authority: parts.authority, reason: "connection refused")
        case .connectFailed(let reason):
            return .nothingAnswered(authority: parts.authority, reason: reason)
        case .couldNotResolveHost:
            return .hostNotFound(host: parts.host)
        case .timeout(let seconds):
            return .timeout(eventType: eventType, seconds: seconds, authority: parts.authority)
        case .tlsUntrusted:
            return .tlsUntrusted
        case .tlsHostMismatch:
            return .tlsHostMismatch(host: parts.host)
        case .tls(let reason):
            return .tlsFailed(reason: reason)
        case .connectionReset, .emptyReply:
            return .connectionDropped(authority: parts.authority)
        case .responseTooLarge(let limit):
            return .answerTooLarge(limit: limit)
        case .cancelled, .other:
            return .requestFailed(reason: error.description)
        }
    }
}
