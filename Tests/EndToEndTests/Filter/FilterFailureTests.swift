import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every failure of a blocking call decides per `--fail-mode`, with a reason that names the failure.
@Suite(.timeLimit(.minutes(2)))
struct FilterFailureTests {
    let token = "failure-token-51c0de"

    private func decide(
        _ url: String,
        _ extra: [String] = [],
        environment: [String: String] = [:]
    ) async throws
        -> (decision: [String: Any], result: RunResult)
    {
        let result = try await GateBinary.run(
            ["--url", url] + extra,
            stdin: FilterTestSupport.event("tool_invocation") + "\n",
            environment: ["CAPSULE_TOKEN": token].merging(environment) { _, new in new }
        )
        return (FilterTestSupport.objects(result.stdout).first ?? [:], result)
    }

    @Test func failsOpenOnServerErrorsWithTheStatusInTheReason() async throws {
        try await withMockProcess(["--fail-rate", "1", "--fail-status", "503"], environment: ["CAPSULE_TOKEN": token]) {
            mock in
            let (decision, result) = try await decide(mock.baseURL)
            #expect(result.status == 0)
            #expect(decision["action"] as? String == "allow")
            #expect(decision["source"] as? String == "fail_open")
            #expect(decision["reason"] as? String == "http 503")
            #expect(decision["status"] as? Int == 503)
            #expect(decision["latency_ms"] != nil)
        }
    }

    @Test func failsClosedWhenAsked() async throws {
        try await withMockProcess(["--fail-rate", "1"], environment: ["CAPSULE_TOKEN": token]) { mock in
            let (decision, _) = try await decide(mock.baseURL, ["--fail-mode", "closed"])
            #expect(decision["action"] as? String == "block")
            #expect(decision["source"] as? String == "fail_closed")
            #expect(decision["reason"] as? String == "http 500")
        }
    }

    @Test func failsOpenOnAWrongTokenAndSaysSoOnceOnStderr() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": "the-right-one"]) { mock in
            let lines = (0..<3).map { _ in FilterTestSupport.event("tool_invocation") }.joined(separator: "\n")
            let result = try await GateBinary.run(
                ["--url", mock.baseURL],
                stdin: lines + "\n",
                environment: ["CAPSULE_TOKEN": token]
            )
            let decisions = FilterTestSupport.objects(result.stdout)
            #expect(decisions.count == 3)
            #expect(decisions.allSatisfy { ($0["reason"] as? String) == "http 401: invalid or expired token" })
            #expect(decisions.allSatisfy { ($0["source"] as? String) == "fail_open" })
            #expect(result.stderr.components(separatedBy: "401").count - 1 == 1, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("Integrations"))
            #expect(!result.stderr.contains(token) && !result.stdout.contains(token))
        }
    }

    @Test func failsOpenWhenNothingListens() async throws {
        let port = try FreePort.reserveAndRelease()
        let (decision, result) = try await decide("http://127.0.0.1:\(port)")
        #expect(result.status == 0)
        #expect(decision["source"] as? String == "fail_open")
        #expect(decision["reason"] as? String == "connection refused")
        #expect(decision["status"] == nil)
    }

    @Test func failsOpenAfterTheBlockingTimeout() async throws {
        try await withMockProcess(["--blackhole"], environment: ["CAPSULE_TOKEN": token]) { mock in
            let start = ContinuousClock.now
            let (decision, _) = try await decide(mock.baseURL, ["--blocking-timeout", "0.5", "--drain-timeout", "1"])
            let elapsed = ContinuousClock.now - start
            #expect(decision["reason"] as? String == "timeout after 0.5s")
            #expect(decision["source"] as? String == "fail_open")
            #expect(elapsed < .seconds(3), "took \(elapsed)")
        }
    }

    @Test func failsOpenOnAWrongPathNamingIt() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": token]) { mock in
            let (decision, _) = try await decide(mock.baseURL + "/wrong/path")
            #expect(decision["status"] as? Int == 404)
            #expect((decision["reason"] as? String)?.hasPrefix("http 404") == true)
        }
    }
}

/// A loopback port that nothing listens on (bound, then released).
enum FreePort {
    static func reserveAndRelease() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
