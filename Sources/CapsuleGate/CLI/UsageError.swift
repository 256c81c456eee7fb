/// A usage or configuration error: printed as one sentence on stderr, exit status 2.
public enum UsageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An option the command does not know.
    case unknownOption(String)
    /// An option that needs a value was last on the line.
    case missingValue(option: String)
    /// A value that does not parse; `expected` says what would.
    case invalidValue(option: String, value: String, expected: String)
    /// A required setting was given neither as a flag nor in the environment.
    case missingRequired(option: String, environment: String)
    /// A positional argument where none is taken.
    case unexpectedArgument(String)
    /// Anything else, already phrased as a sentence.
    case other(String)

    /// One sentence a user can act on.
    public var description: String {
        switch self {
        case .unknownOption(let option):
            "unknown option '\(option)'; see --help"
        case .missingValue(let option):
            "option '\(option)' needs a value"
        case .invalidValue(let option, let value, let expected):
            "invalid value '\(value)' for '\(option)': expected \(expected)"
        case .missingRequired(let option, let environment):
            "missing '\(option)': pass it or set \(environment)"
        case .unexpectedArgument(let argument):
            "unexpected argument '\(argument)'; see --help"
        case .other(let sentence):
            sentence
        }
    }
}
