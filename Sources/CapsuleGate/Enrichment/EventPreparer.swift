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
/// The line is scanned once (``JSONScanner``) and the body is built by splicing bytes into a copy of it: the
/// `correlation_id` member is cut out, missing fields are inserted before the closing brace of the object they
/// belong to, and every other byte (key order, spacing, escapes, numbers such as `1e999`) is forwarded unchanged.
/// Leading and trailing whitespace around the object is dropped.
///
/// Enrichment fills only what is absent, never overwrites (a present but invalid field is an error):
/// `timestamp`, `session_id`, `agent.id` and `agent.name` (into `agent`, or in a new `agent` object), `user.email`
/// (likewise), and `tool.input` = `{}` for a tool_invocation whose `tool` object lacks it. The
/// ``EventValidator`` rules then apply to the enriched event.
///
/// A `correlation_id` must be a non-empty string of at most 1024 bytes without control characters, since it
/// becomes the `x-correlation-id` header.
public struct EventPreparer: Sendable {
    /// The longest `correlation_id` accepted, in UTF-8 bytes.
    public static let maximumCorrelationIDBytes = 1024

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
        let scan: EventScan
        switch JSONScanner.scan(line) {
        case .success(let result): scan = result
        case .failure(let error):
            return .failure(RejectedLine(failure: ValidationFailure(field: nil, message: error.description)))
        }
        guard scan.rootIsObject else {
            return .failure(RejectedLine(failure: ValidationFailure(field: nil, message: "expected a JSON object")))
        }
        let sessionMember = scan.member(.sessionID)
        var rejected = RejectedLine(
            failure: ValidationFailure(field: nil, message: ""),
            eventType: scan.member(.eventType).flatMap { scan.string($0, in: line) },
            correlationID: nil,
            sessionID: sessionMember == nil ? defaults.sessionID : sessionMember.flatMap { scan.string($0, in: line) }
        )
        let correlationMember = scan.member(.correlationID)
        if let correlationMember {
            guard let value = scan.string(correlationMember, in: line) else {
                return reject(&rejected, "correlation_id", "expected a string")
            }
            if let problem = Self.correlationIDProblem(value) {
                return reject(&rejected, "correlation_id", problem)
            }
            rejected.correlationID = value
        }
        if let path = scan.duplicateKeyPath(in: line) {
            return reject(&rejected, path, "duplicate key")
        }
        let fills = fills(for: scan, in: line, timestamp: timestamp)
        let eventType: EventType
        switch EventValidator.check(scan, in: line, fills: fills) {
        case .success(let type): eventType = type
        case .failure(let failure):
            rejected.failure = failure
            return .failure(rejected)
        }
        let body = BodySplicer(scan: scan, line: line, fills: fills, correlation: correlationMember).splice()
        return .success(
            PreparedEvent(
                eventType: eventType,
                correlationID: rejected.correlationID ?? UUIDv4.random(),
                sessionID: rejected.sessionID ?? defaults.sessionID,
                body: body
            )
        )
    }

    /// Why `value` cannot be a correlation id, or `nil` when it can.
    static func correlationIDProblem(_ value: String) -> String? {
        if value.isEmpty { return "expected a non-empty string" }
        if value.utf8.count > maximumCorrelationIDBytes {
            return "expected at most \(maximumCorrelationIDBytes) bytes"
        }
        if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return "expected a string without control characters"
        }
        return nil
    }

    /// Sets the failure on `rejected` and returns it.
    private func reject(
        _ rejected: inout RejectedLine,
        _ field: String,
        _ message: String
    ) -> Result<PreparedEvent, RejectedLine> {
        rejected.failure = ValidationFailure(field: field, message: message)
        return .failure(rejected)
    }

    /// What enrichment adds to the scanned line: only fields it lacks, and only into objects that are objects.
    private func fills(
        for scan: EventScan,
        in line: UnsafeRawBufferPointer,
        timestamp: () -> String
    ) -> EventFills {
        var fills = EventFills()
        if scan.member(.timestamp) == nil { fills.timestamp = timestamp() }
        if scan.member(.sessionID) == nil { fills.sessionID = defaults.sessionID }
        if let agent = scan.member(.agent) {
            if line[agent.valueStart] == UInt8(ascii: "{") {
                if scan.member(.id, in: .agent) == nil { fills.agentID = defaults.agentID }
                if scan.member(.name, in: .agent) == nil { fills.agentName = defaults.agentName }
            }
        } else {
            fills.agentID = defaults.agentID
            fills.agentName = defaults.agentName
        }
        if let user = scan.member(.user) {
            if line[user.valueStart] == UInt8(ascii: "{") && scan.member(.email, in: .user) == nil {
                fills.userEmail = defaults.userEmail
            }
        } else {
            fills.userEmail = defaults.userEmail
        }
        if let tool = scan.member(.tool), line[tool.valueStart] == UInt8(ascii: "{"),
            scan.member(.input, in: .tool) == nil,
            let typeMember = scan.member(.eventType), let raw = scan.rawString(typeMember, in: line),
            EventValidator.eventType(raw, hasEscapes: typeMember.valueHasEscapes) == .toolInvocation
        {
            fills.toolInput = true
        }
        return fills
    }
}

extension RejectedLine {
    /// A rejection with nothing read from the line.
    init(failure: ValidationFailure) {
        self.init(failure: failure, eventType: nil, correlationID: nil, sessionID: nil)
    }
}
