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
    /// `source`, `reason`, `status`, `latency_ms`; absent values are left out. `latency_ms` is rounded to three
    /// decimals and never written in exponent form (`4.2`, `12.0`, `0.001`); a negative or non-finite latency is
    /// written as `0.0`. Bytes are written directly, without Foundation.
    public func encode(into buffer: inout [UInt8]) {
        JSONWriter.appendASCII("{\"line\":", to: &buffer)
        JSONWriter.appendInt(line, to: &buffer)
        if let eventType {
            JSONWriter.appendASCII(",\"event_type\":", to: &buffer)
            JSONWriter.appendString(eventType, to: &buffer)
        }
        if let correlationID {
            JSONWriter.appendASCII(",\"correlation_id\":", to: &buffer)
            JSONWriter.appendString(correlationID, to: &buffer)
        }
        if let sessionID {
            JSONWriter.appendASCII(",\"session_id\":", to: &buffer)
            JSONWriter.appendString(sessionID, to: &buffer)
        }
        JSONWriter.appendASCII(",\"action\":\"", to: &buffer)
        buffer.append(contentsOf: action.rawValue.utf8)
        JSONWriter.appendASCII("\",\"source\":\"", to: &buffer)
        buffer.append(contentsOf: source.rawValue.utf8)
        buffer.append(UInt8(ascii: "\""))
        if let reason {
            JSONWriter.appendASCII(",\"reason\":", to: &buffer)
            JSONWriter.appendString(reason, to: &buffer)
        }
        if let status {
            JSONWriter.appendASCII(",\"status\":", to: &buffer)
            JSONWriter.appendInt(status, to: &buffer)
        }
        if let latencyMs {
            JSONWriter.appendASCII(",\"latency_ms\":", to: &buffer)
            let milliseconds = latencyMs.isFinite && latencyMs > 0 ? latencyMs : 0
            JSONWriter.appendDecimal(milliseconds, fractionDigits: 3, to: &buffer)
        }
        JSONWriter.appendASCII("}\n", to: &buffer)
    }
}
