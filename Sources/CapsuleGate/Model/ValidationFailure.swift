/// Why an event was rejected, naming the field at fault.
public struct ValidationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The dotted path of the field at fault (`tool.name`), or `nil` when the whole line is at fault.
    public var field: String?
    /// What is wrong, in lowercase words a user can act on (`expected a non-empty string`).
    public var message: String

    /// Creates a failure for `field` (or the whole line when `nil`).
    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`, or just the message when no single field is at fault.
    public var description: String {
        guard let field else { return message }
        return "\(field): \(message)"
    }
}
