/// `capsule-gate verify`: checks the URL, token and identity against Capsule with two real events and reports.
///
/// Sends `session_start`, then (when that got a 2xx) a harmless `tool_invocation` of the tool
/// `capsule_gate_verify` with input `{"check":"connectivity"}`, both built exactly as the filter builds events.
/// The report (``VerifyReport``) goes to stdout; the token never appears in it.
public enum VerifyCommand {
    /// The harmless event sent for a decision.
    static let toolInvocationLine =
        #"{"event_type":"tool_invocation","tool":{"name":"capsule_gate_verify","input":{"check":"connectivity"}}}"#
    /// The session event sent first.
    static let sessionStartLine = #"{"event_type":"session_start"}"#

    /// Runs the check.
    ///
    /// - Parameters:
    ///   - arguments: The arguments after `verify`.
    ///   - environment: The process environment.
    /// - Returns: The exit status: 0 both calls got Capsule's answers, 1 a problem was found, 2 usage error.
    public static func main(arguments: [String], environment: [String: String]) async -> Int32 {
        if arguments.contains("--help") {
            StandardStreams.writeOut(VerifyConfiguration.usage)
            return 0
        }
        let configuration: VerifyConfiguration
        let token: BearerToken
        let transport: CurlTransport
        let sessionStart: PreparedEvent
        let toolInvocation: PreparedEvent
        do throws(UsageError) {
            configuration = try VerifyConfiguration.parse(
                arguments,
                environment: environment,
                sessionID: "sess-\(UUIDv4.random())"
            )
            let loaded = try configuration.tokenSource.load()
            if let warning = loaded.warning { StandardStreams.writeError("capsule-gate verify: \(warning)\n") }
            token = loaded.token
            sessionStart = try prepare(sessionStartLine, defaults: configuration.defaults)
            toolInvocation = try prepare(toolInvocationLine, defaults: configuration.defaults)
            do {
                transport = try CurlTransport(
                    configuration: TransportConfiguration(
                        maxConnections: 1,
                        caFile: configuration.caFile,
                        userAgent: "capsule-gate/\(CommandLineTool.version)"
                    ),
                    defaultHeaders: CurlWebhookSender.headers(token)
                )
            } catch {
                throw .other(error.description)
            }
        } catch {
            StandardStreams.writeError("capsule-gate verify: \(error.description)\n")
            return 2
        }
        defer { transport.shutdown() }

        let url = configuration.endpoint.url
        let telemetry = await send(sessionStart, to: url, timeout: configuration.telemetryTimeout, via: transport)
        var decision: Result<HTTPResponse, TransportError>?
        if VerifyReport.shouldSendDecision(after: telemetry) {
            decision = await send(toolInvocation, to: url, timeout: configuration.blockingTimeout, via: transport)
        }
        let report = VerifyReport(
            url: url,
            agentID: configuration.defaults.agentID ?? VerifyConfiguration.defaultAgentID,
            sessionID: configuration.defaults.sessionID,
            telemetry: redacting(token, in: telemetry),
            decision: decision.map { redacting(token, in: $0) }
        )
        let output = configuration.isJSON ? report.json : report.text
        StandardStreams.writeOut(redact(token, in: output))
        return report.isSuccess ? 0 : 1
    }

    /// Enriches and validates one event line as the filter does.
    ///
    /// - Throws: ``UsageError`` when the configured identity makes the event invalid.
    static func prepare(_ line: String, defaults: EnrichmentDefaults) throws(UsageError) -> PreparedEvent {
        let result = Array(line.utf8).withUnsafeBytes { bytes in
            EventPreparer(defaults: defaults).prepare(bytes, timestamp: { RFC3339Clock.now() })
        }
        switch result {
        case .success(let event):
            return event
        case .failure(let rejected):
            throw .other("cannot build the verify events from the configured identity: \(rejected.failure)")
        }
    }

    /// Posts one prepared event and waits for the answer.
    private static func send(
        _ event: PreparedEvent,
        to url: String,
        timeout: Double,
        via transport: CurlTransport
    ) async -> Result<HTTPResponse, TransportError> {
        let request = HTTPRequest(
            url: url,
            headers: ["x-correlation-id: \(CurlWebhookSender.headerSafe(event.correlationID))"],
            body: event.body,
            timeout: timeout
        )
        return await transport.send(request)
    }

    /// The outcome with every copy of the token in the answer's body replaced, in case a server echoes it.
    private static func redacting(
        _ token: BearerToken,
        in outcome: Result<HTTPResponse, TransportError>
    ) -> Result<HTTPResponse, TransportError> {
        guard case .success(var response) = outcome else { return outcome }
        let text = String(decoding: response.body, as: UTF8.self)
        let redacted = redact(token, in: text)
        if redacted != text { response.body = Array(redacted.utf8) }
        return .success(response)
    }

    /// `text` with every copy of the token replaced by `[redacted]`, by the filter's rule (``Credentials/redact(_:)``:
    /// tokens shorter than 8 characters are left alone).
    private static func redact(_ token: BearerToken, in text: String) -> String {
        Credentials(source: .environment(token), token: token).redact(text)
    }
}
