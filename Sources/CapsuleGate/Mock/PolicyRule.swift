import Foundation

/// One rule of a mock policy: conditions that must all hold, and what to answer when they do.
public struct PolicyRule: Sendable {
    /// What a matching rule decides for a blocking event.
    public enum Action: String, Sendable, Hashable {
        /// Answer allow.
        case allow
        /// Answer block with the rule's reason.
        case block
    }

    /// The rule's name, used in messages and the default block reason.
    public var name: String
    /// Matches only this event type, when set.
    public var eventType: EventType?
    /// Matches only tools whose `tool.name` matches this glob, when set.
    public var tool: GlobPattern?
    /// Matches only when some string inside `tool.input` contains this text, when set.
    public var inputContains: String?
    /// Matches only when some string inside `tool.input` matches this expression, when set.
    public var inputRegex: NSRegularExpression?
    /// Matches only when `message.content` contains this text, when set.
    public var contentContains: String?
    /// Matches only when `message.content` matches this expression, when set.
    public var contentRegex: NSRegularExpression?
    /// The decision for blocking events (`nil`: allow).
    public var action: Action?
    /// The reason answered on a block (`nil`: `blocked by policy rule NAME`).
    public var reason: String?
    /// Milliseconds added before answering.
    public var latencyMilliseconds: Double?
    /// The status of an injected failure (with ``failRate``).
    public var failStatus: Int?
    /// The fraction of matching requests that fail (with ``failStatus``).
    public var failRate: Double?
    /// Whether matching requests are read and never answered.
    public var isBlackhole: Bool

    /// Creates a rule; every condition left `nil` holds for every event.
    public init(
        name: String,
        eventType: EventType? = nil,
        tool: GlobPattern? = nil,
        inputContains: String? = nil,
        inputRegex: NSRegularExpression? = nil,
        contentContains: String? = nil,
        contentRegex: NSRegularExpression? = nil,
        action: Action? = nil,
        reason: String? = nil,
        latencyMilliseconds: Double? = nil,
        failStatus: Int? = nil,
        failRate: Double? = nil,
        isBlackhole: Bool = false
    ) {
        self.name = name
        self.eventType = eventType
        self.tool = tool
        self.inputContains = inputContains
        self.inputRegex = inputRegex
        self.contentContains = contentContains
        self.contentRegex = contentRegex
        self.action = action
        self.reason = reason
        self.latencyMilliseconds = latencyMilliseconds
        self.failStatus = failStatus
        self.failRate = failRate
        self.isBlackhole = isBlackhole
    }

    /// Whether every condition of the rule holds for `event`.
    public func matches(_ event: ValidatedEvent) -> Bool {
        if let eventType, event.eventType != eventType { return false }
        if let tool {
            guard let name = event.toolName, tool.matches(name) else { return false }
        }
        if let inputContains, !event.toolInputStrings.contains(where: { $0.contains(inputContains) }) {
            return false
        }
        if let inputRegex, !event.toolInputStrings.contains(where: { Self.search(inputRegex, in: $0) }) {
            return false
        }
        if let contentContains {
            guard let content = event.messageContent, content.contains(contentContains) else { return false }
        }
        if let contentRegex {
            guard let content = event.messageContent, Self.search(contentRegex, in: content) else { return false }
        }
        return true
    }

    private static func search(_ expression: NSRegularExpression, in text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
