/// One recorded object member: where its key and value lie in the scanned bytes.
///
/// Offsets are 0-based into the scanned buffer. `keyStart`/`keyEnd` include the key's quotes, and so do
/// `valueStart`/`valueEnd` when the value is a string.
struct JSONMember: Sendable, Hashable {
    /// The field a recorded member stands for, decided on its decoded key.
    enum Field: UInt8, Sendable {
        /// `event_type` (top level).
        case eventType
        /// `session_id` (top level).
        case sessionID
        /// `timestamp` (top level).
        case timestamp
        /// `agent` (top level).
        case agent
        /// `user` (top level).
        case user
        /// `tool` (top level).
        case tool
        /// `message` (top level).
        case message
        /// `correlation_id` (top level).
        case correlationID
        /// `id` (inside a nested object).
        case id
        /// `name` (inside a nested object).
        case name
        /// `email` (inside a nested object).
        case email
        /// `input` (inside a nested object).
        case input
        /// `output` (inside a nested object).
        case output
        /// `content` (inside a nested object).
        case content
        /// Any other key: forwarded untouched.
        case other
    }

    /// The object a member belongs to.
    enum Parent: UInt8, Sendable {
        /// The top-level object.
        case root
        /// The top-level `agent` object.
        case agent
        /// The top-level `user` object.
        case user
        /// The top-level `tool` object.
        case tool
        /// The top-level `message` object.
        case message

        /// The object's key in the top-level object (`root` for the top level itself).
        var name: String {
            switch self {
            case .root: "root"
            case .agent: "agent"
            case .user: "user"
            case .tool: "tool"
            case .message: "message"
            }
        }
    }

    /// Offset of the key's opening quote.
    var keyStart: Int
    /// Offset just past the key's closing quote.
    var keyEnd: Int
    /// Offset of the value's first byte.
    var valueStart: Int
    /// Offset just past the value's last byte.
    var valueEnd: Int
    /// Which field the key names (decoded, so `"\u0069d"` is `id`).
    var field: Field
    /// Which object holds the member.
    var parent: Parent
    /// Whether the key contains a backslash escape.
    var keyHasEscapes: Bool
    /// Whether the value is a string containing a backslash escape.
    var valueHasEscapes: Bool
}
