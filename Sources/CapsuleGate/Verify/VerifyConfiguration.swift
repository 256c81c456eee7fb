/// Every setting of `capsule-gate verify`, parsed once from flags over environment variables over defaults.
///
/// The options are the filter's `--url`, token, `--ca-file`, identity and timeout options, read from the same
/// environment variables, plus `--json`.
public struct VerifyConfiguration: Sendable {
    /// The agent id sent when neither `--agent-id` nor `CAPSULE_AGENT_ID` is set.
    public static let defaultAgentID = "capsule-gate-verify"

    /// The webhook endpoint, with the default path filled in.
    public var endpoint: Endpoint
    /// Where the token comes from.
    public var tokenSource: TokenSource
    /// An extra CA certificate file to trust for Capsule's TLS.
    public var caFile: String?
    /// The identity sent with both events: agent id and name, user email, session id.
    public var defaults: EnrichmentDefaults
    /// Seconds the `tool_invocation` call may take.
    public var blockingTimeout: Double
    /// Seconds the `session_start` call may take.
    public var telemetryTimeout: Double
    /// Whether the report is printed as one JSON object instead of lines.
    public var isJSON: Bool

    /// Options that take a value, each with its environment variable (`nil` for `--token-file`, which has its own).
    static let valueOptions: [(flag: String, variable: String?)] = [
        ("--url", "CAPSULE_URL"),
        ("--token-file", nil),
        ("--ca-file", "CAPSULE_CA_FILE"),
        ("--agent-id", "CAPSULE_AGENT_ID"),
        ("--agent-name", "CAPSULE_AGENT_NAME"),
        ("--user-email", "CAPSULE_USER_EMAIL"),
        ("--session-id", "CAPSULE_SESSION_ID"),
        ("--blocking-timeout", "CAPSULE_BLOCKING_TIMEOUT"),
        ("--telemetry-timeout", "CAPSULE_TELEMETRY_TIMEOUT"),
    ]

    /// Parses the arguments after `verify` over the environment over the defaults.
    ///
    /// - Parameters:
    ///   - arguments: The arguments after `verify`.
    ///   - environment: The process environment.
    ///   - sessionID: The session id to use when neither `--session-id` nor `CAPSULE_SESSION_ID` is set.
    /// - Returns: The configuration.
    /// - Throws: ``UsageError`` naming the first bad or missing setting.
    public static func parse(
        _ arguments: [String],
        environment: [String: String],
        sessionID: @autoclosure () -> String
    ) throws(UsageError) -> VerifyConfiguration {
        let list = try ArgumentList.parse(
            arguments,
            valueOptions: Set(valueOptions.map(\.flag)),
            switchOptions: ["--json", "--help"]
        )
        let source = SettingSource(arguments: list, environment: environment)
        let connection = try ConnectionSettings.parse(source)
        let (endpoint, tokenSource, caFile) = (connection.endpoint, connection.tokenSource, connection.caFile)
        let agentID = source.string("--agent-id", "CAPSULE_AGENT_ID") ?? defaultAgentID
        guard !agentID.isEmpty else {
            throw .invalidValue(option: "--agent-id", value: agentID, expected: "a non-empty agent id")
        }
        let session = source.string("--session-id", "CAPSULE_SESSION_ID") ?? sessionID()
        guard !session.isEmpty else {
            throw .invalidValue(option: "--session-id", value: session, expected: "a non-empty session id")
        }
        return VerifyConfiguration(
            endpoint: endpoint,
            tokenSource: tokenSource,
            caFile: caFile,
            defaults: EnrichmentDefaults(
                agentID: agentID,
                agentName: source.string("--agent-name", "CAPSULE_AGENT_NAME"),
                userEmail: source.string("--user-email", "CAPSULE_USER_EMAIL"),
                sessionID: session
            ),
            blockingTimeout: try source.seconds("--blocking-timeout", "CAPSULE_BLOCKING_TIMEOUT", default: 10),
            telemetryTimeout: try source.seconds("--telemetry-timeout", "CAPSULE_TELEMETRY_TIMEOUT", default: 5),
            isJSON: list.switches.contains("--json")
        )
    }

    /// The `--help` text of `capsule-gate verify`.
    public static let usage = """
        usage: capsule-gate verify [options]

        Checks that the Capsule URL and token work, as the vendor's "Verify the Integration" step asks: sends a
        session_start event and then a harmless tool_invocation (tool 'capsule_gate_verify'), and prints one fact
        per line: whether the endpoint was reached, TLS, the token, both answers with their round-trip times, and
        the agent id to look for under Inventory > Agents in the Capsule portal. Every problem found comes with
        what to do about it.

        options (each also read from the environment variable shown; a flag wins):
          --url URL                    CAPSULE_URL                   Capsule endpoint (required); https, or http to loopback
          --token-file PATH            CAPSULE_TOKEN / CAPSULE_TOKEN_FILE  file holding the token (or the token itself
                                                                     in CAPSULE_TOKEN); never a flag value
          --ca-file PATH               CAPSULE_CA_FILE               extra CA certificate to trust (PEM)
          --agent-id ID                CAPSULE_AGENT_ID              agent.id to send (default capsule-gate-verify)
          --agent-name NAME            CAPSULE_AGENT_NAME            agent.name to send
          --user-email EMAIL           CAPSULE_USER_EMAIL            user.email to send
          --session-id ID              CAPSULE_SESSION_ID            session_id to send (default sess-<uuid>)
          --blocking-timeout S         CAPSULE_BLOCKING_TIMEOUT      seconds for the tool_invocation (default 10)
          --telemetry-timeout S        CAPSULE_TELEMETRY_TIMEOUT     seconds for the session_start (default 5)
          --json                                                     print the report as one JSON object
          --help                                                     show this help

        exit status: 0 both calls got Capsule's answers (a block counts), 1 a problem was found, 2 usage or
        configuration error

        """
}
