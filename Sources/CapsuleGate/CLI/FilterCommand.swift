import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `capsule-gate [options]`: wires the configuration to the pipeline and maps the outcome to an exit status.
public enum FilterCommand {
    /// Runs the filter over stdin and stdout.
    ///
    /// - Returns: The exit status: 0 done, 1 runtime failure, 2 usage error, 130 interrupted by SIGINT.
    public static func main(arguments: [String], environment: [String: String]) async -> Int32 {
        if arguments.contains("--help") {
            StandardStreams.writeOut(FilterConfiguration.usage)
            return 0
        }
        if arguments.contains("--version") {
            StandardStreams.writeOut("capsule-gate \(CommandLineTool.version)\n")
            return 0
        }
        let configuration: FilterConfiguration
        let token: BearerToken
        let spool: Spool
        let sender: CurlWebhookSender
        do throws(UsageError) {
            configuration = try FilterConfiguration.parse(
                arguments,
                environment: environment,
                sessionID: "sess-\(UUIDv4.random())"
            )
            let loaded = try configuration.tokenSource.load()
            if let warning = loaded.warning { StandardStreams.writeError("capsule-gate: \(warning)\n") }
            token = loaded.token
            spool = try Spool(path: configuration.spoolPath)
            do {
                sender = try CurlWebhookSender(
                    endpoint: configuration.endpoint,
                    token: token,
                    maxConnections: configuration.concurrency + configuration.telemetryConcurrency,
                    caFile: configuration.caFile
                )
            } catch {
                throw .other(error.description)
            }
        } catch {
            StandardStreams.writeError("capsule-gate: \(error.description)\n")
            return 2
        }
        defer { sender.shutdown() }

        let credentials = Credentials(source: configuration.tokenSource, token: token)
        let log = DiagnosticLog(redact: { credentials.redact($0) })
        let client = CapsuleClient(
            sender: sender,
            credentials: credentials,
            breaker: CircuitBreaker(threshold: configuration.breakerThreshold, cooldown: configuration.breakerCooldown),
            log: log
        )
        let telemetry = TelemetryDispatcher(
            client: client,
            spool: spool,
            log: log,
            policy: RetryPolicy(attempts: configuration.telemetryAttempts),
            timeout: configuration.telemetryTimeout,
            concurrency: configuration.telemetryConcurrency,
            capacity: configuration.telemetryQueueCapacity
        )
        let control = FilterControl()
        let signals = Mutex(0)
        SignalWatcher.start { signal in
            if signal == SIGHUP {
                client.reloadToken()
                return
            }
            let count = signals.withLock { count in
                count += 1
                return count
            }
            guard count == 1 else {
                log.say("second \(signalName(signal)): exiting now")
                _exit(128 + signal)
            }
            log.say("\(signalName(signal)): no more input; answering the lines already read (again to exit now)")
            telemetry.expedite()
            control.request(.signal(signal))
        }

        let filter = Filter(
            configuration: configuration,
            client: client,
            telemetry: telemetry,
            log: log,
            control: control,
            timestamp: { RFC3339Clock.now() }
        )
        let outcome = await filter.run(input: STDIN_FILENO, output: STDOUT_FILENO)
        if outcome == .outputClosed {
            // One line in all, telemetry included: the reader of stdout is gone and stderr may be a terminal.
            let telemetry = undelivered(spool: spool).map { "; \($0)" } ?? ""
            log.say("stdout was closed by its reader; stopped\(telemetry)")
            return 1
        }
        if let line = undelivered(spool: spool) { log.say(line) }
        switch outcome {
        case .completed:
            return 0
        case .stopped(let signal):
            return signal == SIGINT ? 130 : 0
        case .outputClosed:
            return 1
        case .inputFailed(let code):
            log.say("reading stdin failed: \(String(cString: strerror(code)))")
            return 1
        }
    }

    /// What became of the telemetry Capsule did not accept, as one sentence, or `nil` when there was none.
    private static func undelivered(spool: Spool) -> String? {
        let (spooled, lost) = spool.totals
        var parts: [String] = []
        if spooled > 0, let path = spool.path {
            parts.append("\(spooled) telemetry event\(spooled == 1 ? "" : "s") not delivered; appended to '\(path)'")
        }
        if lost > 0 {
            let hint =
                spool.path == nil ? " (pass --spool PATH to keep them)" : " (the spool file could not be written)"
            parts.append("\(lost) telemetry event\(lost == 1 ? " was" : "s were") not delivered\(hint)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    private static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
