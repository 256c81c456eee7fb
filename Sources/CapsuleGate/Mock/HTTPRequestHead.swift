/// One header field of a request, its name lowercased.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name, lowercased (`content-length`).
    public var name: String
    /// The field value, without surrounding spaces or tabs.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The request line and headers of one HTTP/1.x request, with what they say about the body and the connection.
public struct HTTPRequestHead: Sendable, Hashable {
    /// The method, as sent (`POST`).
    public var method: String
    /// The request target, as sent (`/v1/generic-webhook/hooks/events`).
    public var target: String
    /// The minor version: `0` for HTTP/1.0, `1` for HTTP/1.1.
    public var minorVersion: Int
    /// The header fields in the order sent.
    public var headers: [HTTPHeader]
    /// The body's length from `Content-Length` (`0` when absent).
    public var contentLength: Int
    /// Whether the connection stays open after the answer (HTTP/1.1 unless `Connection: close`; HTTP/1.0 only
    /// with `Connection: keep-alive`).
    public var isKeepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body.
    public var expectsContinue: Bool

    /// The value of the first header named `name` (lowercase), if any.
    public func value(of name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The request target without its query string.
    public var path: Substring {
        target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(target)
    }
}
