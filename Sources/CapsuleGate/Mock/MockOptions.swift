/// The parsed command line of `capsule-gate mock`.
public struct MockOptions: Sendable {
    /// The address to bind (`--host`).
    public var host = "127.0.0.1"
    /// The port to bind; `0` picks a free one (`--port`).
    public var port = 8787
    /// The policy file (`--policy`), or `nil` to allow everything.
    public var policyPath: String?
    /// The record file (`--record`), or `nil`.
    public var recordPath: String?
    /// The token file (`--token-file`), which wins over `CAPSULE_TOKEN` and `CAPSULE_TOKEN_FILE`.
    public var tokenFile: String?
    /// The server-wide faults.
    public var faults = MockFaults()
    /// The seed of the fault draws (`--seed`), or `nil` for a random one.
    public var seed: UInt64?
    /// Whether `--help` was given.
    public var isHelp = false

    /// Creates the defaults.
    public init() {}

    /// The options that take a value.
    static let valueOptions: Set<String> = [
        "--host", "--port", "--policy", "--record", "--token-file", "--latency", "--fail-rate", "--fail-status",
        "--seed",
    ]

    /// Parses `arguments` (after `mock`).
    ///
    /// - Throws: ``UsageError`` naming the option at fault.
    public static func parse(_ arguments: [String]) throws(UsageError) -> MockOptions {
        let list = try ArgumentList.parse(
            arguments,
            valueOptions: valueOptions,
            switchOptions: ["--blackhole", "--help"]
        )
        var options = MockOptions()
        options.isHelp = list.switches.contains("--help")
        let source = SettingSource(arguments: list, environment: [:])
        if let host = list.values["--host"] {
            guard !host.isEmpty else { throw .invalidValue(option: "--host", value: host, expected: "an address") }
            options.host = host
        }
        options.port = try source.integer("--port", nil, default: 8787, range: 0...65_535)
        options.policyPath = list.values["--policy"]
        options.recordPath = list.values["--record"]
        options.tokenFile = list.values["--token-file"]
        options.faults.latency = try source.value(
            "--latency",
            nil,
            default: nil,
            expected: "milliseconds (fractions allowed) or MIN-MAX, from 0 to 600000"
        ) { LatencyRange(parsing: $0) }
        options.faults.failRate = try source.value(
            "--fail-rate",
            nil,
            default: 0,
            expected: "a fraction from 0 to 1"
        ) { Double($0).flatMap { $0 >= 0 && $0 <= 1 ? $0 : nil } }
        options.faults.failStatus = try source.integer("--fail-status", nil, default: 500, range: 100...599)
        options.seed = try source.value("--seed", nil, default: nil, expected: "a whole number from 0 to 2^64-1") {
            UInt64($0)
        }
        options.faults.isBlackhole = list.switches.contains("--blackhole")
        return options
    }
}
