import Foundation

/// One output line of the filter: the decision for one non-blank input line.
public struct DecisionLine: Sendable, Hashable {
    /// What the agent should do.
    public enum Action: String, Sendable, Hashable {
        /// Go ahead (blocking event).
        case allow
        /// Do not go ahead (blocking event).
        case block
        /// An observational event was queued for delivery.
        case accepted
        /// The line could not be processed; `reason` says why.
        case error
    }

    /// Who made the decision.
    public enum Source: String, Sendable, Hashable {
        /// Capsule answered.
        case capsule
        /// Capsule could not decide; allowed by `--fail-mode open`.
        case failOpen = "fail_open"
        /// Capsule could not decide; blocked by `--fail-mode closed`.
        case failClosed = "fail_closed"
        /// The line was invalid.
        case invalid
        /// An observational event was queued.
        case queued
    }

    /// The 1-based input line number (blank lines count).
    public var line: Int
    /// The line's `event_type` string, when it had one.
    public var eventType: String?
    /// The caller's or generated correlation id, when known.
    public var correlationID: String?
    /// The event's session id, when known.
    public var sessionID: String?
    /// The decision.
    public var action: Action
    /// Who decided.
    public var source: Source
    /// Capsule's reason on a block; the failure or validation message otherwise.
    public var reason: String?
    /// The HTTP status, when Capsule answered.
    public var status: Int?
    /// Milliseconds spent on the request, when one was made.
    public var latencyMs: Double?

    /// Creates a decision line.
    public init(
        line: Int,
        eventType: String? = nil,
        correlationID: String? = nil,
        sessionID: String? = nil,
        action: Action,
        source: Source,
        reason: String? = nil,
        status: Int? = nil,
        latencyMs: Double? = nil
    ) {
        self.line = line
        self.eventType = eventType
        self.correlationID = correlationID
        self.sessionID = sessionID
        self.action = action
        self.source = source
        self.reason = reason
        self.status = status
        self.latencyMs = latencyMs
    }

    /// Appends the line as one compact JSON object and a `\n` to `buffer`.
    ///
    /// Keys come in the contract's order: `line`, `event_type`, `correlation_id`, `session_id`, `action`,
    /// `source`, `reason`, `status`, `latency_ms`; absent values are left out.
    ///
    /// PLACEHOLDER implementation; the JSON core replaces it with a direct byte writer.
    public func encode(into buffer: inout [UInt8]) {
        var parts: [String] = ["\"line\":\(line)"]
        func quoted(_ string: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [string], options: [.withoutEscapingSlashes])) ?? Data()
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
        if let eventType { parts.append("\"event_type\":\(quoted(eventType))") }
        if let correlationID { parts.append("\"correlation_id\":\(quoted(correlationID))") }
        if let sessionID { parts.append("\"session_id\":\(quoted(sessionID))") }
        parts.append("\"action\":\"\(action.rawValue)\"")
        parts.append("\"source\":\"\(source.rawValue)\"")
        if let reason { parts.append("\"reason\":\(quoted(reason))") }
        if let status { parts.append("\"status\":\(status)") }
        if let latencyMs { parts.append("\"latency_ms\":\((latencyMs * 10).rounded() / 10)") }
        buffer.append(contentsOf: Array("{\(parts.joined(separator: ","))}\n".utf8))
    }
}
