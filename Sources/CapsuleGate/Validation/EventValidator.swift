import Foundation

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
/// PLACEHOLDER implementation (JSONSerialization); the JSON core replaces it with the byte scanner.
public enum EventValidator {
    /// Validates one complete event body.
    ///
    /// - Parameter body: The UTF-8 JSON text of one event.
    /// - Returns: The validated event, or the first failure found, naming its field.
    public static func validate(_ body: UnsafeRawBufferPointer) -> Result<ValidatedEvent, ValidationFailure> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return .failure(ValidationFailure(field: nil, message: "expected a JSON object"))
        }
        guard let raw = object["event_type"] as? String, let type = EventType(rawValue: raw) else {
            return .failure(ValidationFailure(field: "event_type", message: "expected one of the six event types"))
        }
        guard let session = object["session_id"] as? String, !session.isEmpty else {
            return .failure(ValidationFailure(field: "session_id", message: "expected a non-empty string"))
        }
        let tool = object["tool"] as? [String: Any]
        let message = object["message"] as? [String: Any]
        var strings: [String] = []
        func collect(_ value: Any) {
            if let string = value as? String {
                strings.append(string)
            } else if let array = value as? [Any] {
                for element in array { collect(element) }
            } else if let dictionary = value as? [String: Any] {
                for element in dictionary.values { collect(element) }
            }
        }
        if let input = tool?["input"] { collect(input) }
        return .success(
            ValidatedEvent(
                eventType: type,
                sessionID: session,
                toolName: tool?["name"] as? String,
                messageContent: message?["content"] as? String,
                toolInputStrings: strings
            )
        )
    }
}
