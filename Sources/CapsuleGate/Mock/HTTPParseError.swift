/// Why a request head cannot be served; each case maps to the status answered before closing the connection.
public enum HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request line is not `METHOD TARGET HTTP/1.x`.
    case badRequestLine(String)
    /// A header line has no colon or an invalid name.
    case badHeader(String)
    /// A version other than HTTP/1.0 or HTTP/1.1.
    case unsupportedVersion(String)
    /// The head is longer than the limit (in bytes).
    case headersTooLarge(limit: Int)
    /// `Content-Length` is larger than the limit.
    case bodyTooLarge(length: Int, limit: Int)
    /// `Content-Length` is not a whole number, or two of them disagree.
    case badContentLength(String)
    /// A `Transfer-Encoding` body (chunked): not supported; the client must send `Content-Length`.
    case transferEncoding(String)

    /// The status answered for this error.
    public var status: Int {
        switch self {
        case .badRequestLine, .badHeader, .badContentLength: 400
        case .unsupportedVersion: 505
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .transferEncoding: 411
        }
    }

    /// One lowercase sentence quoting the culprit.
    public var description: String {
        switch self {
        case .badRequestLine(let line): "malformed request line '\(line)'"
        case .badHeader(let line): "malformed header line '\(line)'"
        case .unsupportedVersion(let version): "unsupported http version '\(version)'"
        case .headersTooLarge(let limit): "request headers longer than \(limit) bytes"
        case .bodyTooLarge(let length, let limit): "request body of \(length) bytes is over the limit of \(limit)"
        case .badContentLength(let value): "invalid content-length '\(value)'"
        case .transferEncoding(let value):
            "transfer-encoding '\(value)' is not supported; send the body with a content-length"
        }
    }
}
