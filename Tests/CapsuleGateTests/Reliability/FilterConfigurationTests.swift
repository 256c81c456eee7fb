import CapsuleGate
import Testing

extension Reliability {
    @Suite struct FilterConfigurationTests {
        private let base = ["--url", "http://127.0.0.1:8787", "--token-file", "/tmp/token"]

        private func parse(_ arguments: [String], _ environment: [String: String] = [:]) throws -> FilterConfiguration {
            try FilterConfiguration.parse(arguments, environment: environment, sessionID: "sess-default")
        }

        @Test func defaultsMatchTheDocumentation() throws {
            let configuration = try parse(base)
            #expect(configuration.endpoint.url == "http://127.0.0.1:8787/v1/generic-webhook/hooks/events")
            #expect(configuration.blockingTimeout == 10)
            #expect(configuration.telemetryTimeout == 5)
            #expect(configuration.failMode == .open)
            #expect(configuration.maxLineBytes == 1_048_576)
            #expect(configuration.drainTimeout == 30)
            #expect(configuration.breakerThreshold == 5)
            #expect(configuration.spoolPath == nil)
            #expect(configuration.defaults.sessionID == "sess-default")
            #expect(configuration.window >= configuration.concurrency)
        }

        @Test func flagsWinOverTheEnvironment() throws {
            let environment = [
                "CAPSULE_FAIL_MODE": "open", "CAPSULE_SPOOL": "/env/spool", "CAPSULE_DRAIN_TIMEOUT": "7",
                "CAPSULE_BREAKER_COOLDOWN": "0.5",
            ]
            let configuration = try parse(base + ["--fail-mode", "closed", "--spool", "/flag/spool"], environment)
            #expect(configuration.failMode == .closed)
            #expect(configuration.spoolPath == "/flag/spool")
            #expect(configuration.drainTimeout == 7)
            #expect(configuration.breakerCooldown == 0.5)
        }

        @Test func tokenPrecedenceIsFileThenVariableThenFileVariable() throws {
            let environment = ["CAPSULE_TOKEN": "t", "CAPSULE_TOKEN_FILE": "/env/file"]
            #expect(try parse(base, environment).tokenSource == .file(path: "/tmp/token"))
            let url = ["--url", "http://localhost"]
            #expect(try parse(url, environment).tokenSource == .environment(BearerToken("t")))
            #expect(try parse(url, ["CAPSULE_TOKEN_FILE": "/env/file"]).tokenSource == .file(path: "/env/file"))
            #expect(throws: UsageError.self) { try parse(url) }
        }

        @Test(arguments: [
            ["--breaker-threshold", "0"], ["--telemetry-queue", "0"], ["--fail-mode", "ajar"],
            ["--blocking-timeout", "soon"], ["--drain-timeout", "-1"], ["--max-line-bytes", "1"], ["--token", "x"],
            ["--ca-file", "/nonexistent/ca.pem"],
        ])
        func badValuesAreUsageErrors(extra: [String]) {
            #expect(throws: UsageError.self) { try parse(base + extra) }
        }

        @Test(arguments: [
            ("https://capsule.example.com", "https://capsule.example.com/v1/generic-webhook/hooks/events"),
            ("https://capsule.example.com/", "https://capsule.example.com/v1/generic-webhook/hooks/events"),
            ("https://h:8443/custom/path", "https://h:8443/custom/path"),
            ("http://127.0.0.5:1/", "http://127.0.0.5:1/v1/generic-webhook/hooks/events"),
            ("http://[::1]:9", "http://[::1]:9/v1/generic-webhook/hooks/events"),
            ("http://LOCALHOST", "http://LOCALHOST/v1/generic-webhook/hooks/events"),
        ])
        func endpointsGetTheDefaultPath(text: String, url: String) throws {
            #expect(try Endpoint.parse(text).url == url)
        }

        @Test(arguments: [
            "http://capsule.example.com", "http://128.0.0.1", "http://127.0.0.1.evil.com", "ftp://h", "https://",
            "https://user:pass@h", "capsule.example.com", "https://[::1",
        ])
        func endpointsRefusePlainHTTPAndMalformedURLs(text: String) {
            #expect(throws: UsageError.self) { try Endpoint.parse(text) }
        }
    }
}
