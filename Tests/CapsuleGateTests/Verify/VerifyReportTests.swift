import Foundation
import Testing

@testable import CapsuleGate

@Suite struct VerifyReportTests {
    private static let url = "https://capsule.example.com/v1/generic-webhook/hooks/events"

    private static func answer(
        _ status: Int,
        _ body: String = "",
        seconds: Double = 0.0031
    )
        -> Result<HTTPResponse, TransportError>
    {
        .success(HTTPResponse(status: status, body: Array(body.utf8), elapsed: seconds))
    }

    private static func report(
        url: String = url,
        telemetry: Result<HTTPResponse, TransportError>,
        decision: Result<HTTPResponse, TransportError>?
    ) -> VerifyReport {
        VerifyReport(url: url, agentID: "agent-7", sessionID: "sess-1", telemetry: telemetry, decision: decision)
    }

    @Test func successReportsEveryFactOnItsOwnLine() {
        let report = Self.report(
            telemetry: Self.answer(202),
            decision: Self.answer(200, #"{"apiVersion":"1","response":{"action":"allow"}}"#, seconds: 0.0123)
        )
        #expect(report.isSuccess)
        #expect(
            report.text == """
                endpoint: reached (https://capsule.example.com/v1/generic-webhook/hooks/events)
                tls: ok
                token: accepted
                telemetry: accepted (session_start, 202, 3.1 ms)
                decision: allow (12.3 ms)
                agent: agent-7 — look for it under Inventory > Agents in the Capsule portal
                session: sess-1 — open Observability and filter by Activity Type — Session to see it
                result: ok

                """
        )
    }

    @Test func aBlockCountsAsSuccessAndShowsTheReason() {
        let report = Self.report(
            telemetry: Self.answer(202),
            decision: Self.answer(200, #"{"apiVersion":"1","response":{"action":"block","reason":"no tools"}}"#)
        )
        #expect(report.isSuccess)
        #expect(report.decision.outcome == .block)
        #expect(report.text.contains("decision: block (3.1 ms): no tools\n"))
    }

    @Test func plainHTTPSaysTLSIsNotUsed() {
        let report = Self.report(
            url: "http://127.0.0.1:9/v1/generic-webhook/hooks/events",
            telemetry: Self.answer(202),
            decision: Self.answer(200, #"{"apiVersion":"1","response":{"action":"allow"}}"#)
        )
        #expect(report.tls == .notUsed)
        #expect(report.text.contains("tls: not used (http)\n"))
    }

    @Test func aRejectedTokenStopsAfterTheFirstCall() {
        #expect(!VerifyReport.shouldSendDecision(after: Self.answer(401)))
        let report = Self.report(telemetry: Self.answer(401), decision: nil)
        #expect(!report.isSuccess)
        #expect(report.token == .rejected)
        #expect(report.problems == [.tokenRejected])
        let lines = report.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("token: rejected (http 401)"))
        #expect(lines.contains("telemetry: failed (session_start, http 401, 3.1 ms)"))
        #expect(lines.contains("decision: not sent (session_start failed)"))
        #expect(lines.contains { $0.hasPrefix("advice: regenerate the token") })
        #expect(lines.last == "result: failed")
    }

    @Test func anUntrustedCertificateFailsTLSAndLeavesTheEndpointUnreached() {
        let report = Self.report(telemetry: .failure(.tlsUntrusted), decision: nil)
        #expect(report.tls == .failed)
        #expect(!report.isEndpointReached)
        #expect(report.token == .notChecked)
        #expect(
            report.text.hasPrefix(
                "endpoint: not reached (\(Self.url)): tls: certificate not trusted (pass --ca-file)\n"
            )
        )
        #expect(report.text.contains("advice: the certificate is not trusted: pass --ca-file"))
    }

    @Test func aRefusedConnectionLeavesTLSUnchecked() {
        let report = Self.report(telemetry: .failure(.connectionRefused), decision: nil)
        #expect(report.tls == .notChecked)
        #expect(report.text.contains("telemetry: failed (session_start, connection refused)\n"))
        #expect(report.text.contains("problem: nothing answered at capsule.example.com:443 (connection refused)\n"))
    }

    @Test func aFailedDecisionAfterAcceptedTelemetryFails() {
        let report = Self.report(telemetry: Self.answer(202), decision: Self.answer(503))
        #expect(!report.isSuccess)
        #expect(report.token == .accepted)
        #expect(report.problems == [.serverError(status: 503)])
        #expect(report.text.contains("decision: failed (tool_invocation, http 503, 3.1 ms)\n"))
    }

    @Test func aSlowRoundTripWarnsButStillSucceeds() {
        let report = Self.report(
            telemetry: Self.answer(202, seconds: 1.25),
            decision: Self.answer(200, #"{"apiVersion":"1","response":{"action":"allow"}}"#, seconds: 0.9)
        )
        #expect(report.isSuccess)
        #expect(report.warnings.count == 1)
        #expect(report.text.contains("telemetry: accepted (session_start, 202, 1.3 s)\n"))
        #expect(
            report.text.contains(
                "warning: the session_start round trip took 1.3 s (over 1 s); run capsule-gate in the same region"
            )
        )
    }

    @Test func jsonHasStableKeysAndNulls() throws {
        let report = Self.report(telemetry: .failure(.timeout(seconds: 5)), decision: nil)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any]
        )
        #expect(
            Set(object.keys) == [
                "result", "url", "endpoint", "tls", "token", "telemetry", "decision", "agent_id", "session_id",
                "warnings", "problems",
            ]
        )
        #expect(object["result"] as? String == "failed")
        #expect(object["endpoint"] as? String == "not reached")
        let telemetry = try #require(object["telemetry"] as? [String: Any])
        #expect(Set(telemetry.keys) == ["event_type", "outcome", "status", "latency_ms", "reason"])
        #expect(telemetry["status"] is NSNull)
        #expect(telemetry["reason"] as? String == "timeout after 5s")
        let decision = try #require(object["decision"] as? [String: Any])
        #expect(decision["outcome"] as? String == "not sent")
        let problems = try #require(object["problems"] as? [[String: String]])
        #expect(problems.count == 1)
        #expect(problems.first?["problem"]?.contains("within 5 s") == true)
        #expect(report.json.hasSuffix("}\n"))
        #expect(report.json.filter { $0 == "\n" }.count == 1)
    }
}
