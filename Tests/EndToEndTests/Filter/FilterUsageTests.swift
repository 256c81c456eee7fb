import Foundation
import Testing

/// Usage and configuration errors: one sentence on stderr, nothing on stdout, exit 2.
@Suite
struct FilterUsageTests {
    static let cases: [(arguments: [String], environment: [String: String], mentions: String)] = [
        (["--url", "http://127.0.0.1:9"], [:], "token"),
        ([], ["CAPSULE_TOKEN": "t"], "--url"),
        (["--url", "http://capsule.example.com"], ["CAPSULE_TOKEN": "t"], "https"),
        (["--url", "ftp://127.0.0.1"], ["CAPSULE_TOKEN": "t"], "--url"),
        (["--url", "http://127.0.0.1:9", "--bogus"], ["CAPSULE_TOKEN": "t"], "--bogus"),
        (["--url", "http://127.0.0.1:9", "--token", "secret"], [:], "--token"),
        (["--url", "http://127.0.0.1:9", "--concurrency", "0"], ["CAPSULE_TOKEN": "t"], "--concurrency"),
        (["--url", "http://127.0.0.1:9", "--blocking-timeout", "-1"], ["CAPSULE_TOKEN": "t"], "--blocking-timeout"),
        (["--url", "http://127.0.0.1:9", "--fail-mode", "maybe"], ["CAPSULE_TOKEN": "t"], "--fail-mode"),
        (["--url", "http://127.0.0.1:9", "--emit", "some"], ["CAPSULE_TOKEN": "t"], "--emit"),
        (
            ["--url", "http://127.0.0.1:9"], ["CAPSULE_TOKEN": "t", "CAPSULE_CONCURRENCY": "lots"],
            "CAPSULE_CONCURRENCY"
        ),
        (["--url", "http://127.0.0.1:9", "--token-file", "/nonexistent/token"], [:], "/nonexistent/token"),
        (["--url", "http://127.0.0.1:9", "--ca-file", "/nonexistent/ca.pem"], ["CAPSULE_TOKEN": "t"], "ca.pem"),
        (["--url", "http://127.0.0.1:9", "--concurrency"], ["CAPSULE_TOKEN": "t"], "--concurrency"),
    ]

    @Test(arguments: cases.indices)
    func rejectsBadConfigurationWithOneSentenceAndExitStatus2(index: Int) async throws {
        let (arguments, environment, mentions) = Self.cases[index]
        let result = try await GateBinary.run(arguments, stdin: "", environment: environment)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(mentions), "stderr: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)")
    }

    @Test func acceptsHTTPOnlyForLoopbackHosts() async throws {
        for url in ["http://localhost:9", "http://127.1.2.3:9/", "http://[::1]:9"] {
            let result = try await GateBinary.run(["--url", url], stdin: "", environment: ["CAPSULE_TOKEN": "t"])
            #expect(result.status == 0, "\(url): \(result.stderr)")
        }
    }

    @Test func printsHelpAndVersionOnStdout() async throws {
        let help = try await GateBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--url"))
        #expect(help.stdout.contains("--token-file"))
        let version = try await GateBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.range(of: #"^capsule-gate \d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
    }
}
