import Testing

@testable import CapsuleGate

@Suite struct VerifyConfigurationTests {
    private static let environment = ["CAPSULE_URL": "http://127.0.0.1:9", "CAPSULE_TOKEN": "t0ken-value"]

    @Test func defaultsComeFromTheFilterVariables() throws {
        let configuration = try VerifyConfiguration.parse([], environment: Self.environment, sessionID: "sess-x")
        #expect(configuration.endpoint.url == "http://127.0.0.1:9/v1/generic-webhook/hooks/events")
        #expect(configuration.defaults.agentID == "capsule-gate-verify")
        #expect(configuration.defaults.sessionID == "sess-x")
        #expect(configuration.blockingTimeout == 10)
        #expect(configuration.telemetryTimeout == 5)
        #expect(!configuration.isJSON)
    }

    @Test func flagsWinOverVariables() throws {
        var environment = Self.environment
        environment["CAPSULE_AGENT_ID"] = "from-env"
        environment["CAPSULE_BLOCKING_TIMEOUT"] = "3"
        let configuration = try VerifyConfiguration.parse(
            [
                "--agent-id", "from-flag", "--agent-name=Agent", "--user-email", "a@b.c", "--session-id", "s-1",
                "--telemetry-timeout", "0.5", "--json",
            ],
            environment: environment,
            sessionID: "unused"
        )
        #expect(configuration.defaults.agentID == "from-flag")
        #expect(configuration.defaults.agentName == "Agent")
        #expect(configuration.defaults.userEmail == "a@b.c")
        #expect(configuration.defaults.sessionID == "s-1")
        #expect(configuration.blockingTimeout == 3)
        #expect(configuration.telemetryTimeout == 0.5)
        #expect(configuration.isJSON)
    }

    @Test func usageErrorsNameTheCulprit() {
        #expect(throws: UsageError.missingRequired(option: "--url", environment: "CAPSULE_URL")) {
            try VerifyConfiguration.parse([], environment: ["CAPSULE_TOKEN": "x"], sessionID: "s")
        }
        #expect(throws: UsageError.unknownOption("--concurrency")) {
            try VerifyConfiguration.parse(["--concurrency", "3"], environment: Self.environment, sessionID: "s")
        }
        #expect(throws: UsageError.self) {
            try VerifyConfiguration.parse([], environment: ["CAPSULE_URL": "http://127.0.0.1"], sessionID: "s")
        }
        #expect(throws: UsageError.self) {
            try VerifyConfiguration.parse(
                ["--url", "http://example.com"],
                environment: Self.environment,
                sessionID: "s"
            )
        }
        #expect(throws: UsageError.self) {
            try VerifyConfiguration.parse(["--agent-id", ""], environment: Self.environment, sessionID: "s")
        }
        #expect(throws: UsageError.self) {
            try VerifyConfiguration.parse(["--blocking-timeout", "0"], environment: Self.environment, sessionID: "s")
        }
    }

    @Test func eventsAreBuiltLikeTheFilterBuildsThem() throws {
        let defaults = EnrichmentDefaults(agentID: "capsule-gate-verify", userEmail: "a@b.c", sessionID: "sess-9")
        let event = try VerifyCommand.prepare(VerifyCommand.toolInvocationLine, defaults: defaults)
        #expect(event.eventType == .toolInvocation)
        let body = String(decoding: event.body, as: UTF8.self)
        #expect(body.contains(#""tool":{"name":"capsule_gate_verify","input":{"check":"connectivity"}}"#))
        #expect(body.contains(#""session_id":"sess-9""#))
        #expect(body.contains(#""id":"capsule-gate-verify""#))
        #expect(body.contains(#""email":"a@b.c""#))
        #expect(body.contains(#""timestamp":""#))
        let start = try VerifyCommand.prepare(VerifyCommand.sessionStartLine, defaults: defaults)
        #expect(start.eventType == .sessionStart)
    }
}
