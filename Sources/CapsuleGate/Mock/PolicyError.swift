/// Why a policy file was rejected; printed as one sentence on stderr, exit status 2.
public enum PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid JSON.
    case invalidJSON(reason: String)
    /// The top level is wrong (not an object with a `rules` array, or an unknown key).
    case invalidDocument(String)
    /// A rule is wrong: its 1-based index, its name when it has a readable one, the field and what is wrong.
    case invalidRule(index: Int, name: String?, field: String, message: String)

    /// One lowercase sentence naming the rule and the field.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read the policy file '\(path)': \(reason)"
        case .invalidJSON(let reason):
            "the policy file is not valid JSON: \(reason)"
        case .invalidDocument(let message):
            "the policy file \(message)"
        case .invalidRule(let index, let name, let field, let message):
            if let name {
                "policy rule '\(name)' (rule \(index)): field '\(field)': \(message)"
            } else {
                "policy rule \(index): field '\(field)': \(message)"
            }
        }
    }
}
