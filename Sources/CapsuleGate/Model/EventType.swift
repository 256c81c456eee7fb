/// The six event types of Capsule's generic webhook.
public enum EventType: String, Sendable, Hashable, CaseIterable {
    /// Before a tool or action executes; blocks until Capsule decides.
    case toolInvocation = "tool_invocation"
    /// Before a user prompt is processed; blocks until Capsule decides.
    case userMessage = "user_message"
    /// After a tool execution completes; telemetry.
    case toolResult = "tool_result"
    /// The agent's response text; telemetry.
    case agentMessage = "agent_message"
    /// A session begins; telemetry.
    case sessionStart = "session_start"
    /// A session terminates; telemetry.
    case sessionEnd = "session_end"

    /// Whether the agent waits for Capsule's allow/block answer before going on.
    public var isBlocking: Bool {
        switch self {
        case .toolInvocation, .userMessage: true
        case .toolResult, .agentMessage, .sessionStart, .sessionEnd: false
        }
    }
}
