/// What a failed blocking call decides.
public enum FailMode: String, Sendable, Hashable {
    /// Allow the action (the vendor's recommendation).
    case open
    /// Block the action.
    case closed
}

/// Which output lines the filter writes.
public enum EmitMode: String, Sendable, Hashable {
    /// One line per non-blank input line.
    case all
    /// Only lines whose `event_type` is a blocking one; other problems go to stderr.
    case blocking
}

/// Every setting of the filter, parsed once from flags over environment over defaults, then passed down.
public struct FilterConfiguration: Sendable {
    /// The webhook endpoint, with the default path filled in.
    public var endpoint: Endpoint
    /// Where the token comes from.
    public var tokenSource: TokenSource
    /// Most blocking requests in flight.
    public var concurrency: Int
    /// Most observational requests in flight.
    public var telemetryConcurrency: Int
    /// Seconds a blocking call may take, retries included.
    public var blockingTimeout: Double
    /// Seconds one telemetry attempt may take.
    public var telemetryTimeout: Double
    /// What a failed blocking call decides.
    public var failMode: FailMode
    /// Values filled into events that lack them.
    public var defaults: EnrichmentDefaults
    /// Which lines are written.
    public var emit: EmitMode
    /// Longest accepted input line, in bytes.
    public var maxLineBytes: Int
    /// Where undelivered telemetry is appended, if anywhere.
    public var spoolPath: String?
    /// Seconds to keep delivering queued telemetry after EOF.
    public var drainTimeout: Double
    /// An extra CA certificate file to trust for Capsule's TLS.
    public var caFile: String?
    /// Consecutive transport failures that open the circuit.
    public var breakerThreshold: Int
    /// Seconds the circuit stays open before one probe is let through.
    public var breakerCooldown: Double
    /// Most observational events waiting for delivery; more go to the spool.
    public var telemetryQueueCapacity: Int
    /// Attempts per observational event before it is spooled.
    public var telemetryAttempts: Int

    /// Lines read but not yet written: bounds memory for any input size and any stalled reader.
    public var window: Int { max(1024, concurrency * 4) }
}

/// A parsed Capsule endpoint URL.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The default path of the generic webhook.
    public static let defaultPath = "/v1/generic-webhook/hooks/events"

    /// `https` or `http`.
    public var scheme: String
    /// The host, without brackets for IPv6.
    public var host: String
    /// The full URL to POST to.
    public var url: String

    /// The URL.
    public var description: String { url }
    /// Whether the connection uses TLS.
    public var isTLS: Bool { scheme == "https" }

    /// Parses `text`, appending the default path when it has none, and enforcing https except for loopback.
    ///
    /// - Throws: ``UsageError`` naming what is wrong with the URL.
    public static func parse(_ text: String, option: String = "--url") throws(UsageError) -> Endpoint {
        let lowered = text.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") {
            scheme = "https"
        } else if lowered.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw .invalidValue(option: option, value: text, expected: "an https:// URL")
        }
        let rest = text.dropFirst(scheme.count + 3)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        guard !authority.isEmpty, !authority.contains("@"), !text.contains(where: { $0 == " " || $0 == "\n" })
        else {
            throw .invalidValue(option: option, value: text, expected: "an https:// URL with a host")
        }
        var host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidValue(option: option, value: text, expected: "a bracketed IPv6 host such as [::1]")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
        } else {
            host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        }
        guard !host.isEmpty else {
            throw .invalidValue(option: option, value: text, expected: "an https:// URL with a host")
        }
        if scheme == "http", !isLoopback(String(host)) {
            throw .other(
                "refusing plain http to '\(host)': Capsule needs https; http is allowed only for loopback hosts "
                    + "(127.0.0.0/8, ::1, localhost)"
            )
        }
        if path.isEmpty || path == "/" { path = defaultPath }
        let base = text.prefix(scheme.count + 3 + authority.count)
        return Endpoint(scheme: scheme, host: String(host), url: String(base) + path)
    }

    /// Whether `host` is a loopback name or address: 127.0.0.0/8, ::1 or localhost.
    public static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            guard let value = Int(part), part.count <= 3, (0...255).contains(value) else { return false }
            return true
        }
    }
}
