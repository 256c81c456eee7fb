/// An event body that passed validation, with the fields a policy looks at.
public struct ValidatedEvent: Sendable {
    /// The event's type.
    public var eventType: EventType
    /// `session_id`.
    public var sessionID: String
    /// `tool.name`, for the tool events.
    public var toolName: String?
    /// `message.content`, for the message events.
    public var messageContent: String?
    /// Every string value inside `tool.input`, at any depth, in document order (empty when absent).
    public var toolInputStrings: [String]
}

/// Validates event bodies exactly as Capsule receives them (after enrichment).
///
/// The rules, each failure naming its field path:
/// - the body is strict RFC 8259 JSON (``JSONScanner``; a syntax error has no field and reads
///   `invalid JSON at byte 17: …` or `invalid UTF-8 at byte 5`, offsets 0-based) whose top level is an object
///   (`expected a JSON object`);
/// - no key repeats in the top-level object or in `agent`, `user`, `tool`, `message` (`tool.name: duplicate key`;
///   keys compare after decoding escapes);
/// - `event_type` is one of the six types; `session_id` a non-empty string; `timestamp` an RFC 3339 date-time
///   (``RFC3339DateTime``);
/// - `agent` an object with `agent.id` a non-empty string and `agent.name`, when present, a string; `user`, when
///   present, an object whose `email`, when present, is a string;
/// - tool_invocation: `tool` an object with `tool.name` a non-empty string (`tool.input` any JSON, or absent);
///   tool_result: `tool.name` and `tool.output` present; user_message and agent_message: `message.content` a
///   string.
///
/// Unknown fields, anywhere, are accepted and left alone.
public enum EventValidator {
    /// The message for a bad or missing `event_type`.
    static let eventTypeMessage =
        "expected one of tool_invocation, user_message, tool_result, agent_message, session_start, session_end"
    /// The message for a bad or missing `timestamp`.
    static let timestampMessage = "expected an RFC 3339 date-time such as 2026-03-03T10:30:00Z"

    /// Validates one complete event body.
    ///
    /// - Parameter body: The UTF-8 JSON text of one event.
    /// - Returns: The validated event, or the first failure found, naming its field.
    public static func validate(_ body: UnsafeRawBufferPointer) -> Result<ValidatedEvent, ValidationFailure> {
        let scan: EventScan
        switch JSONScanner.scan(body) {
        case .success(let result): scan = result
        case .failure(let error): return .failure(ValidationFailure(field: nil, message: error.description))
        }
        if scan.rootIsObject, let path = scan.duplicateKeyPath(in: body) {
            return .failure(ValidationFailure(field: path, message: "duplicate key"))
        }
        let eventType: EventType
        switch check(scan, in: body, fills: EventFills()) {
        case .success(let type): eventType = type
        case .failure(let failure): return .failure(failure)
        }
        var strings: [String] = []
        if let input = scan.member(.input, in: .tool) {
            let raw = UnsafeRawBufferPointer(rebasing: body[input.valueStart..<input.valueEnd])
            JSONStringDecoder.forEachStringValue(in: raw) { strings.append($0) }
        }
        return .success(
            ValidatedEvent(
                eventType: eventType,
                sessionID: scan.member(.sessionID).flatMap { scan.string($0, in: body) } ?? "",
                toolName: scan.member(.name, in: .tool).flatMap { scan.string($0, in: body) },
                messageContent: scan.member(.content, in: .message).flatMap { scan.string($0, in: body) },
                toolInputStrings: strings
            )
        )
    }

    /// Applies the rules to a scanned line as it will read once `fills` are spliced in.
    ///
    /// Duplicate keys are checked by the caller (``EventScan/duplicateKeyPath(in:)``).
    ///
    /// - Parameters:
    ///   - scan: The scanned line.
    ///   - buffer: The line's bytes.
    ///   - fills: What enrichment adds; each filled field is absent from the line.
    /// - Returns: The event type, or the first failure.
    static func check(
        _ scan: EventScan,
        in buffer: UnsafeRawBufferPointer,
        fills: EventFills
    ) -> Result<EventType, ValidationFailure> {
        func fail(_ field: String?, _ message: String) -> Result<EventType, ValidationFailure> {
            .failure(ValidationFailure(field: field, message: message))
        }
        func isNonEmptyString(_ member: JSONMember) -> Bool {
            (scan.rawString(member, in: buffer)?.count ?? 0) > 0
        }
        func isString(_ member: JSONMember) -> Bool {
            buffer[member.valueStart] == UInt8(ascii: "\"")
        }
        func isObject(_ member: JSONMember) -> Bool {
            buffer[member.valueStart] == UInt8(ascii: "{")
        }
        let nonEmpty = "expected a non-empty string"
        let missing = "required field is missing"
        guard scan.rootIsObject else { return fail(nil, "expected a JSON object") }
        guard let typeMember = scan.member(.eventType), let raw = scan.rawString(typeMember, in: buffer),
            let eventType = eventType(raw, hasEscapes: typeMember.valueHasEscapes)
        else { return fail("event_type", eventTypeMessage) }
        if let session = scan.member(.sessionID) {
            guard isNonEmptyString(session) else { return fail("session_id", nonEmpty) }
        } else {
            guard let filled = fills.sessionID, !filled.isEmpty else { return fail("session_id", nonEmpty) }
        }
        if let timestamp = scan.member(.timestamp) {
            guard let raw = scan.rawString(timestamp, in: buffer) else { return fail("timestamp", timestampMessage) }
            let valid =
                timestamp.valueHasEscapes
                ? RFC3339DateTime.isValid(JSONStringDecoder.decode(raw, hasEscapes: true))
                : RFC3339DateTime.isValid(raw)
            guard valid else { return fail("timestamp", timestampMessage) }
        } else {
            guard let filled = fills.timestamp, RFC3339DateTime.isValid(filled) else {
                return fail("timestamp", timestampMessage)
            }
        }
        if let agent = scan.member(.agent) {
            guard isObject(agent) else { return fail("agent", "expected an object") }
            if let id = scan.member(.id, in: .agent) {
                guard isNonEmptyString(id) else { return fail("agent.id", nonEmpty) }
            } else {
                guard let filled = fills.agentID, !filled.isEmpty else { return fail("agent.id", nonEmpty) }
            }
            if let name = scan.member(.name, in: .agent), !isString(name) {
                return fail("agent.name", "expected a string")
            }
        } else {
            guard let filled = fills.agentID, !filled.isEmpty else { return fail("agent.id", nonEmpty) }
        }
        if let user = scan.member(.user) {
            guard isObject(user) else { return fail("user", "expected an object") }
            if let email = scan.member(.email, in: .user), !isString(email) {
                return fail("user.email", "expected a string")
            }
        }
        switch eventType {
        case .toolInvocation:
            guard let tool = scan.member(.tool) else { return fail("tool.name", nonEmpty) }
            guard isObject(tool) else { return fail("tool", "expected an object") }
            guard let name = scan.member(.name, in: .tool), isNonEmptyString(name) else {
                return fail("tool.name", nonEmpty)
            }
        case .toolResult:
            guard let tool = scan.member(.tool) else { return fail("tool.name", missing) }
            guard isObject(tool) else { return fail("tool", "expected an object") }
            guard scan.member(.name, in: .tool) != nil else { return fail("tool.name", missing) }
            guard scan.member(.output, in: .tool) != nil else { return fail("tool.output", missing) }
        case .userMessage, .agentMessage:
            guard let message = scan.member(.message) else { return fail("message.content", "expected a string") }
            guard isObject(message) else { return fail("message", "expected an object") }
            guard let content = scan.member(.content, in: .message), isString(content) else {
                return fail("message.content", "expected a string")
            }
        case .sessionStart, .sessionEnd:
            break
        }
        return .success(eventType)
    }

    /// The event type a string value names, comparing raw bytes when it has no escapes.
    static func eventType(_ raw: UnsafeRawBufferPointer, hasEscapes: Bool) -> EventType? {
        if hasEscapes {
            return EventType(rawValue: JSONStringDecoder.decode(raw, hasEscapes: true))
        }
        switch raw.count {
        case 15:
            return FieldNames.matches(raw, "tool_invocation") ? .toolInvocation : nil
        case 12:
            return FieldNames.matches(raw, "user_message") ? .userMessage : nil
        case 11:
            return FieldNames.matches(raw, "tool_result")
                ? .toolResult : FieldNames.matches(raw, "session_end") ? .sessionEnd : nil
        case 13:
            return FieldNames.matches(raw, "agent_message")
                ? .agentMessage : FieldNames.matches(raw, "session_start") ? .sessionStart : nil
        default:
            return nil
        }
    }
}

/// What enrichment adds to a line, as validation must see it; every field set here is absent from the line.
struct EventFills: Sendable {
    /// The `timestamp` added at the top level.
    var timestamp: String?
    /// The `session_id` added at the top level.
    var sessionID: String?
    /// The `agent.id` added (into `agent`, or in a new `agent` object).
    var agentID: String?
    /// The `agent.name` added.
    var agentName: String?
    /// The `user.email` added (into `user`, or in a new `user` object).
    var userEmail: String?
    /// Whether `"input":{}` is added to `tool`.
    var toolInput = false
}
