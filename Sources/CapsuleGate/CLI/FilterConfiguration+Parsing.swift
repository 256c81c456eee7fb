extension FilterConfiguration {
    /// Options of the filter that take a value, each with its environment variable.
    static let valueOptions: [(flag: String, variable: String?)] = [
        ("--url", "CAPSULE_URL"),
        ("--token-file", nil),
        ("--concurrency", "CAPSULE_CONCURRENCY"),
        ("--telemetry-concurrency", "CAPSULE_TELEMETRY_CONCURRENCY"),
        ("--blocking-timeout", "CAPSULE_BLOCKING_TIMEOUT"),
        ("--telemetry-timeout", "CAPSULE_TELEMETRY_TIMEOUT"),
        ("--fail-mode", "CAPSULE_FAIL_MODE"),
        ("--agent-id", "CAPSULE_AGENT_ID"),
        ("--agent-name", "CAPSULE_AGENT_NAME"),
        ("--user-email", "CAPSULE_USER_EMAIL"),
        ("--session-id", "CAPSULE_SESSION_ID"),
        ("--emit", "CAPSULE_EMIT"),
        ("--max-line-bytes", "CAPSULE_MAX_LINE_BYTES"),
        ("--spool", "CAPSULE_SPOOL"),
        ("--drain-timeout", "CAPSULE_DRAIN_TIMEOUT"),
        ("--ca-file", "CAPSULE_CA_FILE"),
        ("--breaker-threshold", "CAPSULE_BREAKER_THRESHOLD"),
        ("--breaker-cooldown", "CAPSULE_BREAKER_COOLDOWN"),
        ("--telemetry-queue", "CAPSULE_TELEMETRY_QUEUE"),
        ("--telemetry-attempts", "CAPSULE_TELEMETRY_ATTEMPTS"),
    ]

    /// Parses the filter's flags over its environment variables over the defaults.
    ///
    /// - Parameters:
    ///   - arguments: The arguments after the program name.
    ///   - environment: The process environment.
    ///   - sessionID: The session id to use when neither `--session-id` nor `CAPSULE_SESSION_ID` is set.
    /// - Returns: The configuration.
    /// - Throws: ``UsageError`` naming the first bad or missing setting.
    public static func parse(
        _ arguments: [String],
        environment: [String: String],
        sessionID: @autoclosure () -> String
    ) throws(UsageError) -> FilterConfiguration {
        let list = try ArgumentList.parse(
            arguments,
            valueOptions: Set(valueOptions.map(\.flag)),
            switchOptions: ["--help", "--version"]
        )
        let source = SettingSource(arguments: list, environment: environment)
        let connection = try ConnectionSettings.parse(source)
        let failMode = try source.value(
            "--fail-mode",
            "CAPSULE_FAIL_MODE",
            default: FailMode.open,
            expected: "'open' or 'closed'",
            parse: FailMode.init(rawValue:)
        )
        let emit = try source.value(
            "--emit",
            "CAPSULE_EMIT",
            default: EmitMode.all,
            expected: "'all' or 'blocking'",
            parse: EmitMode.init(rawValue:)
        )
        return FilterConfiguration(
            endpoint: connection.endpoint,
            tokenSource: connection.tokenSource,
            concurrency: try source.integer("--concurrency", "CAPSULE_CONCURRENCY", default: 64, range: 1...1024),
            telemetryConcurrency: try source.integer(
                "--telemetry-concurrency",
                "CAPSULE_TELEMETRY_CONCURRENCY",
                default: 64,
                range: 1...1024
            ),
            blockingTimeout: try source.seconds("--blocking-timeout", "CAPSULE_BLOCKING_TIMEOUT", default: 10),
            telemetryTimeout: try source.seconds("--telemetry-timeout", "CAPSULE_TELEMETRY_TIMEOUT", default: 5),
            failMode: failMode,
            defaults: EnrichmentDefaults(
                agentID: source.string("--agent-id", "CAPSULE_AGENT_ID"),
                agentName: source.string("--agent-name", "CAPSULE_AGENT_NAME"),
                userEmail: source.string("--user-email", "CAPSULE_USER_EMAIL"),
                sessionID: source.string("--session-id", "CAPSULE_SESSION_ID") ?? sessionID()
            ),
            emit: emit,
            maxLineBytes: try source.integer(
                "--max-line-bytes",
                "CAPSULE_MAX_LINE_BYTES",
                default: 1_048_576,
                range: 64...(1 << 30)
            ),
            spoolPath: source.string("--spool", "CAPSULE_SPOOL"),
            drainTimeout: try source.seconds("--drain-timeout", "CAPSULE_DRAIN_TIMEOUT", default: 30),
            caFile: connection.caFile,
            breakerThreshold: try source.integer(
                "--breaker-threshold",
                "CAPSULE_BREAKER_THRESHOLD",
                default: 5,
                range: 1...10_000
            ),
            breakerCooldown: try source.seconds("--breaker-cooldown", "CAPSULE_BREAKER_COOLDOWN", default: 5),
            telemetryQueueCapacity: try source.integer(
                "--telemetry-queue",
                "CAPSULE_TELEMETRY_QUEUE",
                default: 10_000,
                range: 1...1_000_000
            ),
            telemetryAttempts: try source.integer(
                "--telemetry-attempts",
                "CAPSULE_TELEMETRY_ATTEMPTS",
                default: 5,
                range: 1...100
            )
        )
    }

    /// The filter's `--help` text.
    public static let usage = """
        capsule-gate — guard an AI agent with Capsule Security, one JSON event per line.

        usage: capsule-gate [options] < events.jsonl > decisions.jsonl
               capsule-gate mock [options]      a local Capsule stand-in (see 'capsule-gate mock --help')
               capsule-gate verify [options]    check that the URL and token work (see 'capsule-gate verify --help')

        Reads agent events (JSON objects, one per line) on stdin, validates and enriches them, asks Capsule about
        tool_invocation and user_message, sends the other four types as telemetry, and writes one decision per
        non-blank line on stdout, in input order, flushed as soon as it is known.

        options (each also read from the environment variable shown; a flag wins):
          --url URL                    CAPSULE_URL                   Capsule endpoint (required); https, or http to loopback
          --token-file PATH            CAPSULE_TOKEN / CAPSULE_TOKEN_FILE   the JWT (required); never a flag value
          --concurrency N              CAPSULE_CONCURRENCY           blocking requests in flight (default 64)
          --telemetry-concurrency N    CAPSULE_TELEMETRY_CONCURRENCY telemetry requests in flight (default 64)
          --blocking-timeout S         CAPSULE_BLOCKING_TIMEOUT      seconds per blocking event (default 10)
          --telemetry-timeout S        CAPSULE_TELEMETRY_TIMEOUT     seconds per telemetry attempt (default 5)
          --fail-mode open|closed      CAPSULE_FAIL_MODE             decision when Capsule cannot decide (default open)
          --agent-id ID                CAPSULE_AGENT_ID              agent.id for events without one
          --agent-name NAME            CAPSULE_AGENT_NAME            agent.name for events without one
          --user-email EMAIL           CAPSULE_USER_EMAIL            user.email for events without one
          --session-id ID              CAPSULE_SESSION_ID            session_id for events without one (default sess-<uuid>)
          --emit all|blocking          CAPSULE_EMIT                  write lines for every event or blocking ones only
          --max-line-bytes N           CAPSULE_MAX_LINE_BYTES        longest accepted line (default 1048576)
          --spool PATH                 CAPSULE_SPOOL                 append undelivered telemetry here (JSON lines)
          --drain-timeout S            CAPSULE_DRAIN_TIMEOUT         seconds to deliver queued telemetry at EOF (default 30)
          --ca-file PATH               CAPSULE_CA_FILE               extra CA certificate to trust (PEM)
          --breaker-threshold N        CAPSULE_BREAKER_THRESHOLD     consecutive failures that open the circuit (default 5)
          --breaker-cooldown S         CAPSULE_BREAKER_COOLDOWN      seconds before a probe after opening (default 5)
          --telemetry-queue N          CAPSULE_TELEMETRY_QUEUE       telemetry events waiting at most (default 10000, at most 4 MiB)
          --telemetry-attempts N       CAPSULE_TELEMETRY_ATTEMPTS    attempts per telemetry event (default 5)
          --help                                                     show this help
          --version                                                  print the version

        exit status: 0 all input answered, 1 runtime failure, 2 usage or configuration error, 130 interrupted (SIGINT)

        """
}
