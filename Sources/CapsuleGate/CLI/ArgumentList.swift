/// Command-line options split into `--name value` pairs and switches, before any meaning is given to them.
///
/// Accepts `--name value`, `--name=value`, switches without a value, and `--` to end options. A repeated option
/// keeps its last value.
public struct ArgumentList: Sendable, Hashable {
    /// The value of each option that takes one, by name including the dashes (`--url`).
    public var values: [String: String] = [:]
    /// The switches that were given (`--blackhole`, `--help`).
    public var switches: Set<String> = []

    /// Splits `arguments` (without the program name or subcommand).
    ///
    /// - Parameters:
    ///   - arguments: The raw arguments.
    ///   - valueOptions: Options that take a value.
    ///   - switchOptions: Options that take none.
    /// - Returns: The options found, by name.
    /// - Throws: ``UsageError`` for an unknown option, a missing value or a positional argument.
    public static func parse(
        _ arguments: [String],
        valueOptions: Set<String>,
        switchOptions: Set<String>
    ) throws(UsageError) -> ArgumentList {
        var list = ArgumentList()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                if index < arguments.count { throw .unexpectedArgument(arguments[index]) }
                break
            }
            guard argument.hasPrefix("--") else { throw .unexpectedArgument(argument) }
            if let equals = argument.firstIndex(of: "=") {
                let name = String(argument[..<equals])
                guard valueOptions.contains(name) else {
                    if switchOptions.contains(name) {
                        throw .other("option '\(name)' takes no value")
                    }
                    throw .unknownOption(name)
                }
                list.values[name] = String(argument[argument.index(after: equals)...])
            } else if valueOptions.contains(argument) {
                guard index < arguments.count else { throw .missingValue(option: argument) }
                list.values[argument] = arguments[index]
                index += 1
            } else if switchOptions.contains(argument) {
                list.switches.insert(argument)
            } else {
                throw .unknownOption(argument)
            }
        }
        return list
    }
}
