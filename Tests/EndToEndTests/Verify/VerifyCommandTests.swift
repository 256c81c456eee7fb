import Foundation
import Testing

/// End-to-end checks of `capsule-gate verify` against the real `capsule-gate mock` over loopback.
@Suite struct VerifyCommandTests {
    /// The token the mock expects; distinctive so that a leak cannot hide.
    private static let token = "verify-right-token-5f3a9c"
    /// A token the mock refuses.
    private static let wrongToken = "verify-wrong-token-81d2e7"

    /// Runs `capsule-gate verify ARGUMENTS` with `CAPSULE_TOKEN` set to `token`.
    private static func verify(
        _ arguments: [String],
        token: String = token,
        environment: [String: String] = [:]
    ) async throws -> RunResult {
        let result = try await GateBinary.run(
            ["verify"] + arguments,
            environment: ["CAPSULE_TOKEN": token].merging(environment) { _, new in new },
            timeout: .seconds(30)
        )
        #expect(!result.timedOut)
        for secret in [Self.token, Self.wrongToken] {
            #expect(!result.stdout.contains(secret), "the token leaked on stdout")
            #expect(!result.stderr.contains(secret), "the token leaked on stderr")
        }
        return result
    }

    @Test func reportsSuccessAgainstTheMock() async throws {
        try await withTemporaryDirectory { directory in
            let record = directory.file("record.jsonl")
            try await withMockProcess(["--record", record], environment: ["CAPSULE_TOKEN": Self.token]) { mock in
                let result = try await Self.verify(["--url", mock.url, "--user-email", "dev@example.com"])
                #expect(result.status == 0, "stdout:\n\(result.stdout)\nstderr:\n\(result.stderr)")
                #expect(result.stderr.isEmpty)
                let lines = result.stdoutLines
                #expect(lines.first == "endpoint: reached (\(mock.url))")
                #expect(lines.contains("tls: not used (http)"))
                #expect(lines.contains("token: accepted"))
                #expect(
                    lines.contains { $0.hasPrefix("telemetry: accepted (session_start, 202, ") && $0.hasSuffix(" ms)") }
                )
                #expect(lines.contains { $0.hasPrefix("decision: allow (") })
                #expect(
                    lines.contains(
                        "agent: capsule-gate-verify — look for it under Inventory > Agents in the Capsule portal"
                    )
                )
                #expect(!lines.contains { $0.hasPrefix("problem:") || $0.hasPrefix("warning:") })
                #expect(lines.last == "result: ok")
            }
            let requests = directory.read("record.jsonl").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let bodies = requests.compactMap { $0["body"] as? [String: Any] }
            #expect(bodies.map { $0["event_type"] as? String } == ["session_start", "tool_invocation"])
            for body in bodies {
                #expect((body["agent"] as? [String: Any])?["id"] as? String == "capsule-gate-verify")
                #expect((body["user"] as? [String: Any])?["email"] as? String == "dev@example.com")
            }
            #expect(Set(bodies.compactMap { $0["session_id"] as? String }).count == 1)
            let tool = bodies.last?["tool"] as? [String: Any]
            #expect(tool?["name"] as? String == "capsule_gate_verify")
            #expect((tool?["input"] as? [String: Any])?["check"] as? String == "connectivity")
        }
    }

    @Test func aBlockCountsAsSuccess() async throws {
        try await withTemporaryDirectory { directory in
            let policy = try directory.write(
                "policy.json",
                #"{"rules":[{"name":"deny-verify","event_type":"tool_invocation","tool":"capsule_gate_verify","#
                    + #""action":"block","reason":"verify is blocked here"}]}"#
            )
            try await withMockProcess(["--policy", policy]) { mock in
                let result = try await Self.verify(["--url", mock.baseURL, "--agent-id", "my-agent"])
                #expect(result.status == 0, "\(result.stdout)")
                #expect(
                    result.stdoutLines.contains {
                        $0.hasPrefix("decision: block (") && $0.hasSuffix("): verify is blocked here")
                    }
                )
                #expect(
                    result.stdoutLines.contains {
                        $0.hasPrefix("agent: my-agent — look for it under Inventory > Agents")
                    }
                )
            }
        }
    }

    @Test func aTokenEchoedByTheServerIsRedacted() async throws {
        try await withTemporaryDirectory { directory in
            let policy = try directory.write(
                "policy.json",
                #"{"rules":[{"name":"echo","event_type":"tool_invocation","action":"block","reason":"saw "#
                    + Self.token + #""}]}"#
            )
            try await withMockProcess(["--policy", policy]) { mock in
                let text = try await Self.verify(["--url", mock.url])
                #expect(text.status == 0, "\(text.stdout)")
                #expect(text.stdoutLines.contains { $0.hasSuffix("): saw [redacted]") }, "\(text.stdout)")
                let json = try await Self.verify(["--url", mock.url, "--json"])
                #expect(json.stdout.contains(#""reason":"saw [redacted]""#), "\(json.stdout)")
            }
        }
    }

    @Test func aStoppedMockIsReportedWithTheHostAndPort() async throws {
        let mock = try await MockProcess.start()
        await mock.stop()
        let result = try await Self.verify(["--url", mock.url])
        #expect(result.status == 1, "\(result.stdout)")
        let lines = result.stdoutLines
        #expect(lines.first == "endpoint: not reached (\(mock.url)): connection refused")
        #expect(lines.contains("problem: nothing answered at 127.0.0.1:\(mock.port) (connection refused)"))
        #expect(lines.contains { $0.hasPrefix("advice: check the host and port in --url") })
        #expect(lines.contains("decision: not sent (session_start failed)"))
        #expect(lines.last == "result: failed")
    }

    @Test func aWrongTokenIsReportedWithTheRegenerateAdvice() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": Self.token]) { mock in
            let result = try await Self.verify(["--url", mock.url], token: Self.wrongToken)
            #expect(result.status == 1, "\(result.stdout)")
            let lines = result.stdoutLines
            #expect(lines.contains("endpoint: reached (\(mock.url))"))
            #expect(lines.contains("token: rejected (http 401)"))
            #expect(lines.contains("problem: capsule rejected the token (http 401: invalid or expired token)"))
            #expect(
                lines.contains {
                    $0.hasPrefix(
                        "advice: regenerate the token in the Capsule portal under Integrations → Webhook Events"
                    )
                }
            )
            #expect(lines.last == "result: failed")
        }
    }

    @Test func aWrongPathIsReportedWithTheWebhookPath() async throws {
        try await withMockProcess { mock in
            let result = try await Self.verify(["--url", mock.baseURL + "/wrong"])
            #expect(result.status == 1, "\(result.stdout)")
            let lines = result.stdoutLines
            #expect(lines.contains("problem: the URL's path is wrong: http 404 (not found) for '/wrong'"))
            #expect(
                lines.contains(
                    "advice: the webhook's path is /v1/generic-webhook/hooks/events: pass --url "
                        + "\(mock.baseURL)/v1/generic-webhook/hooks/events (a URL with no path gets it added)"
                )
            )
        }
    }

    @Test func aCapsuleSideErrorSaysRetryLater() async throws {
        try await withMockProcess(["--fail-rate", "1", "--fail-status", "503"]) { mock in
            let result = try await Self.verify(["--url", mock.url])
            #expect(result.status == 1, "\(result.stdout)")
            #expect(result.stdoutLines.contains("problem: capsule-side error (http 503)"))
            #expect(
                result.stdoutLines.contains { $0.hasPrefix("advice: retry later; meanwhile the filter fails open") }
            )
        }
    }

    @Test func aSlowRoundTripWarnsToDeployNearCapsule() async throws {
        try await withMockProcess(["--latency", "1100"]) { mock in
            let result = try await Self.verify(["--url", mock.url])
            #expect(result.status == 0, "\(result.stdout)")
            let warnings = result.stdoutLines.filter { $0.hasPrefix("warning: ") }
            #expect(warnings.count == 2, "\(result.stdout)")
            #expect(warnings.allSatisfy { $0.contains("(over 1 s); run capsule-gate in the same region") })
        }
    }

    @Test func aTimeoutNamesTheLimit() async throws {
        try await withMockProcess(["--blackhole"]) { mock in
            let result = try await Self.verify(["--url", mock.url, "--telemetry-timeout", "0.3"])
            #expect(result.status == 1, "\(result.stdout)")
            #expect(
                result.stdoutLines.contains(
                    "problem: no answer to session_start from 127.0.0.1:\(mock.port) within 0.3 s"
                )
            )
        }
    }

    @Test func jsonPrintsOneObjectWithStableKeys() async throws {
        try await withTemporaryDirectory { directory in
            let tokenFile = try directory.write("token", Self.token + "\n")
            try await withMockProcess(environment: ["CAPSULE_TOKEN": Self.token]) { mock in
                let result = try await Self.verify(
                    ["--json", "--token-file", tokenFile],
                    token: "",
                    environment: ["CAPSULE_URL": mock.url]
                )
                #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
                #expect(result.stdoutLines.count == 1)
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                )
                #expect(
                    Set(object.keys) == [
                        "result", "url", "endpoint", "tls", "token", "telemetry", "decision", "agent_id",
                        "session_id", "warnings", "problems",
                    ]
                )
                #expect(object["result"] as? String == "ok")
                #expect(object["url"] as? String == mock.url)
                #expect(object["tls"] as? String == "not used")
                #expect(object["token"] as? String == "accepted")
                #expect(object["agent_id"] as? String == "capsule-gate-verify")
                let telemetry = try #require(object["telemetry"] as? [String: Any])
                #expect(telemetry["outcome"] as? String == "accepted")
                #expect(telemetry["status"] as? Int == 202)
                #expect(telemetry["latency_ms"] is Double || telemetry["latency_ms"] is Int)
                let decision = try #require(object["decision"] as? [String: Any])
                #expect(decision["outcome"] as? String == "allow")
                #expect(decision["status"] as? Int == 200)
                #expect((object["problems"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test func usageErrorsExitTwoWithOneSentenceAndNoStdout() async throws {
        let cases: [([String], [String: String], String)] = [
            ([], ["CAPSULE_TOKEN": Self.token], "missing '--url': pass it or set CAPSULE_URL"),
            (["--url", "http://127.0.0.1:9"], ["CAPSULE_TOKEN": ""], "missing token"),
            (["--url", "http://example.com"], ["CAPSULE_TOKEN": Self.token], "refusing plain http"),
            (["--url", "http://127.0.0.1:9", "--bogus"], ["CAPSULE_TOKEN": Self.token], "unknown option '--bogus'"),
        ]
        for (arguments, environment, message) in cases {
            let result = try await GateBinary.run(["verify"] + arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("capsule-gate verify: "))
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1)
            #expect(!result.stderr.contains(Self.token))
        }
    }

    @Test func helpListsEveryOption() async throws {
        let result = try await GateBinary.run(["verify", "--help"])
        #expect(result.status == 0)
        for flag in [
            "--url", "--token-file", "--ca-file", "--agent-id", "--agent-name", "--user-email", "--session-id",
            "--blocking-timeout", "--telemetry-timeout", "--json", "--help",
        ] {
            #expect(result.stdout.contains(flag), "\(flag) missing from --help")
        }
    }
}
