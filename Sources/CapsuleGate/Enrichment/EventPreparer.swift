import Foundation

/// Values the filter fills into events that lack them.
public struct EnrichmentDefaults: Sendable, Hashable {
    /// `agent.id` for events without one.
    public var agentID: String?
    /// `agent.name` for events without one.
    public var agentName: String?
    /// `user.email` for events without one.
    public var userEmail: String?
    /// `session_id` for events without one: `--session-id`, else one `sess-<uuid>` per process.
    public var sessionID: String

    /// Creates enrichment defaults.
    public init(agentID: String? = nil, agentName: String? = nil, userEmail: String? = nil, sessionID: String) {
        self.agentID = agentID
        self.agentName = agentName
        self.userEmail = userEmail
        self.sessionID = sessionID
    }
}

/// An input line turned into the request body to send to Capsule.
public struct PreparedEvent: Sendable {
    /// The event's type.
    public var eventType: EventType
    /// The caller's `correlation_id`, or a fresh lowercase UUID when the line had none.
    public var correlationID: String
    /// The event's `session_id` after enrichment.
    public var sessionID: String
    /// The enriched event as JSON, without `correlation_id`: the exact body to POST.
    public var body: [UInt8]
}

/// An input line that cannot be sent, with what could still be read from it for the output line.
public struct RejectedLine: Error, Sendable {
    /// Why the line was rejected.
    public var failure: ValidationFailure
    /// The `event_type` string when the line is an object with a string `event_type` (valid type or not).
    public var eventType: String?
    /// The caller's `correlation_id` when it could be read.
    public var correlationID: String?
    /// The `session_id` when it could be read.
    public var sessionID: String?
}

/// Parses, enriches and validates input lines: the pure part of the filter's per-line work.
///
/// PLACEHOLDER implementation (JSONSerialization); the JSON core replaces it with the byte scanner.
public struct EventPreparer: Sendable {
    /// The values filled into events that lack them.
    public var defaults: EnrichmentDefaults

    /// Creates a preparer that enriches with `defaults`.
    public init(defaults: EnrichmentDefaults) {
        self.defaults = defaults
    }

    /// Turns one input line (without its `\n`) into a request body.
    ///
    /// - Parameters:
    ///   - line: The line's bytes.
    ///   - timestamp: Called only when the event lacks `timestamp`; returns now as RFC 3339 UTC with `Z`.
    /// - Returns: The prepared event, or why the line was rejected.
    public func prepare(
        _ line: UnsafeRawBufferPointer,
        timestamp: () -> String
    ) -> Result<PreparedEvent, RejectedLine> {
        guard var object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            return .failure(
                RejectedLine(
                    failure: ValidationFailure(field: nil, message: "expected a JSON object"),
                    eventType: nil,
                    correlationID: nil,
                    sessionID: nil
                )
            )
        }
        let correlation = object.removeValue(forKey: "correlation_id") as? String
        if object["session_id"] == nil { object["session_id"] = defaults.sessionID }
        if object["timestamp"] == nil { object["timestamp"] = timestamp() }
        var agent = object["agent"] as? [String: Any] ?? [:]
        if agent["id"] == nil, let id = defaults.agentID { agent["id"] = id }
        if agent["name"] == nil, let name = defaults.agentName { agent["name"] = name }
        object["agent"] = agent
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        let bytes = [UInt8](data)
        let validated = bytes.withUnsafeBytes { EventValidator.validate($0) }
        switch validated {
        case .success(let event):
            return .success(
                PreparedEvent(
                    eventType: event.eventType,
                    correlationID: correlation ?? UUID().uuidString.lowercased(),
                    sessionID: event.sessionID,
                    body: bytes
                )
            )
        case .failure(let failure):
            return .failure(
                RejectedLine(
                    failure: failure,
                    eventType: object["event_type"] as? String,
                    correlationID: correlation,
                    sessionID: object["session_id"] as? String
                )
            )
        }
    }
}
