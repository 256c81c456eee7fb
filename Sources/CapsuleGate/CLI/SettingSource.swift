/// Reads a setting from a flag, else from the environment: a flag wins over its variable.
public struct SettingSource: Sendable {
    /// The parsed command-line options.
    public var arguments: ArgumentList
    /// The process environment, captured once.
    public var environment: [String: String]

    /// Creates a source over parsed options and an environment.
    public init(arguments: ArgumentList, environment: [String: String]) {
        self.arguments = arguments
        self.environment = environment
    }

    /// The raw value of `option`, else of `variable` when set and non-empty.
    public func string(_ option: String, _ variable: String?) -> String? {
        if let value = arguments.values[option] { return value }
        if let variable, let value = environment[variable], !value.isEmpty { return value }
        return nil
    }

    /// The value parsed by `parse`, or `defaultValue` when neither flag nor variable is set.
    ///
    /// - Throws: ``UsageError/invalidValue(option:value:expected:)`` naming the flag when `parse` returns `nil`.
    public func value<T>(
        _ option: String,
        _ variable: String?,
        default defaultValue: T,
        expected: String,
        parse: (String) -> T?
    ) throws(UsageError) -> T {
        guard let raw = string(option, variable) else { return defaultValue }
        guard let parsed = parse(raw) else {
            let name = arguments.values[option] != nil ? option : (variable ?? option)
            throw .invalidValue(option: name, value: raw, expected: expected)
        }
        return parsed
    }

    /// A whole number in `range`.
    public func integer(
        _ option: String,
        _ variable: String?,
        default defaultValue: Int,
        range: ClosedRange<Int>
    ) throws(UsageError) -> Int {
        try value(
            option,
            variable,
            default: defaultValue,
            expected: "a whole number from \(range.lowerBound) to \(range.upperBound)"
        ) { Int($0).flatMap { range.contains($0) ? $0 : nil } }
    }

    /// A number of seconds, fractions allowed, greater than zero.
    public func seconds(
        _ option: String,
        _ variable: String?,
        default defaultValue: Double
    ) throws(UsageError) -> Double {
        try value(option, variable, default: defaultValue, expected: "a number of seconds greater than 0") {
            Double($0).flatMap { $0 > 0 && $0.isFinite && $0 <= 86_400 ? $0 : nil }
        }
    }
}
