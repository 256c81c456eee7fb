import Foundation
import Testing

@testable import CapsuleGate

@Suite struct MockResponderTests {
    private static let invocation =
        #"{"event_type":"tool_invocation","session_id":"s1","timestamp":"2026-03-03T10:30:00Z","#
        + #""agent":{"id":"a"},"tool":{"name":"db_query","input":{"query":"DROP TABLE users"}}}"#

    private func head(
        method: String = "POST",
        target: String = MockResponder.endpoint,
        authorization: String? = "Bearer tok"
    ) -> HTTPRequestHead {
        HTTPRequestHead(
            method: method,
            target: target,
            minorVersion: 1,
            headers: authorization.map { [HTTPHeader(name: "authorization", value: $0)] } ?? [],
            contentLength: 0,
            isKeepAlive: true,
            expectsContinue: false
        )
    }

    private func respond(
        _ responder: MockResponder,
        _ head: HTTPRequestHead,
        body: String = invocation,
        random: () -> Double = { 0.5 }
    ) -> MockReply {
        Array(body.utf8).withUnsafeBytes { responder.respond(to: head, body: $0, random: random) }
    }

    private func text(_ reply: MockReply) -> String { String(decoding: reply.body, as: UTF8.self) }

    @Test func routesAndMethods() {
        let responder = MockResponder()
        let missing = respond(responder, head(target: "/other"))
        #expect(missing.status == 404)
        #expect(text(missing).hasPrefix(#"{"error":"#))
        let wrongMethod = respond(responder, head(method: "GET"))
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.extraHeaders == ["Allow: POST"])
        #expect(respond(responder, head()).status == 200)
        #expect(text(respond(responder, head())) == #"{"apiVersion":"1","response":{"action":"allow"}}"#)
    }

    @Test func authorization() {
        let open = MockResponder()
        #expect(respond(open, head(authorization: nil)).status == 401)
        #expect(respond(open, head(authorization: "Bearer ")).status == 401)
        #expect(respond(open, head(authorization: "Basic abc")).status == 401)
        #expect(respond(open, head(authorization: "bearer anything")).status == 200)
        let locked = MockResponder(token: BearerToken("tok"))
        #expect(respond(locked, head(authorization: "Bearer tok")).status == 200)
        #expect(respond(locked, head(authorization: "Bearer tok2")).status == 401)
        #expect(respond(locked, head(authorization: "Bearer to")).status == 401)
        #expect(text(respond(locked, head(authorization: "Bearer x"))) == #"{"error":"invalid or expired token"}"#)
    }

    @Test func constantTimeComparison() {
        #expect(MockResponder.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!MockResponder.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!MockResponder.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!MockResponder.constantTimeEqual([], Array("a".utf8)))
    }

    @Test func invalidBodyIs400WithField() {
        let reply = respond(MockResponder(), head(), body: #"{"event_type":"nope","session_id":"s"}"#)
        #expect(reply.status == 400)
        #expect(text(reply).contains(#""field":"event_type""#))
        let notJSON = respond(MockResponder(), head(), body: "not json")
        #expect(notJSON.status == 400)
        #expect(text(notJSON).hasSuffix(#","field":null}"#))
    }

    @Test func policyBlockAndObservational() throws {
        let policy = Policy(rules: [PolicyRule(name: "no-drop", tool: GlobPattern("db_*"), action: .block)])
        let responder = MockResponder(policy: policy)
        let blocked = respond(responder, head())
        #expect(blocked.status == 200)
        #expect(
            text(blocked)
                == #"{"apiVersion":"1","response":{"action":"block","reason":"blocked by policy rule no-drop"}}"#
        )
        let result = Self.invocation.replacingOccurrences(of: "tool_invocation", with: "tool_result")
            .replacingOccurrences(of: #""input""#, with: #""output":1,"input""#)
        let accepted = respond(responder, head(), body: result)
        #expect(accepted.status == 202)
        #expect(accepted.body.isEmpty)
    }

    @Test func serverFaultsComeFirstAndLatenciesAdd() {
        let policy = Policy(rules: [PolicyRule(name: "slow", latencyMilliseconds: 5)])
        let latency = MockResponder(policy: policy, faults: MockFaults(latency: LatencyRange(minimum: 10, maximum: 20)))
        #expect(respond(latency, head(), random: { 0.25 }).delayNanoseconds == 17_500_000)
        let hole = MockResponder(faults: MockFaults(isBlackhole: true))
        #expect(respond(hole, head(target: "/anything")).isBlackholed)
        let failing = MockResponder(faults: MockFaults(failRate: 1, failStatus: 503))
        let failed = respond(failing, head(authorization: nil))
        #expect(failed.status == 503)
        #expect(text(failed) == #"{"error":"injected failure"}"#)
    }

    @Test func ruleFaultsApplyAfterValidation() {
        let policy = Policy(rules: [
            PolicyRule(name: "hole", tool: GlobPattern("hole"), isBlackhole: true),
            PolicyRule(name: "fail", tool: GlobPattern("db_*"), failStatus: 502, failRate: 0.5),
        ])
        let responder = MockResponder(policy: policy)
        #expect(respond(responder, head(), random: { 0.4 }).status == 502)
        #expect(respond(responder, head(), random: { 0.6 }).status == 200)
        #expect(respond(responder, head(), body: "{}", random: { 0.4 }).status == 400)
        let hole = Self.invocation.replacingOccurrences(of: "db_query", with: "hole")
        #expect(respond(responder, head(), body: hole).isBlackholed)
    }

    @Test func seededDrawsAreReproducible() {
        let faults = MockFaults(latency: LatencyRange(minimum: 1, maximum: 9), failRate: 0.3)
        let responder = MockResponder(faults: faults)
        func run(seed: UInt64) -> [Int?] {
            var generator = CapsuleGate.SplitMix64(seed: seed)
            return (0..<50).map { _ in respond(responder, head(), random: { generator.nextUnit() }).status }
        }
        #expect(run(seed: 42) == run(seed: 42))
        #expect(run(seed: 42) != run(seed: 43))
        let failures = run(seed: 7).filter { $0 == 500 }.count
        #expect(failures > 5 && failures < 30)
    }

    @Test func latencyParsing() {
        #expect(LatencyRange(parsing: "20") == LatencyRange(minimum: 20, maximum: 20))
        #expect(LatencyRange(parsing: "5-15") == LatencyRange(minimum: 5, maximum: 15))
        #expect(LatencyRange(parsing: "0.5") == LatencyRange(minimum: 0.5, maximum: 0.5))
        #expect(LatencyRange(parsing: "15-5") == nil)
        #expect(LatencyRange(parsing: "-5") == nil)
        #expect(LatencyRange(parsing: "x") == nil)
        #expect(LatencyRange(parsing: "1-2-3") == nil)
    }

    @Test func optionsParsing() throws {
        let options = try MockOptions.parse([
            "--port", "0", "--latency", "1-3", "--fail-rate", "0.25", "--fail-status", "503", "--seed", "9",
            "--blackhole",
        ])
        #expect(options.port == 0)
        #expect(
            options.faults
                == MockFaults(
                    latency: LatencyRange(minimum: 1, maximum: 3),
                    failRate: 0.25,
                    failStatus: 503,
                    isBlackhole: true
                )
        )
        #expect(options.seed == 9)
        #expect(throws: UsageError.self) { try MockOptions.parse(["--fail-rate", "2"]) }
        #expect(throws: UsageError.self) { try MockOptions.parse(["--fail-status", "700"]) }
        #expect(throws: UsageError.self) { try MockOptions.parse(["--token", "secret"]) }
        #expect(throws: UsageError.self) { try MockOptions.parse(["--port", "70000"]) }
    }
}
