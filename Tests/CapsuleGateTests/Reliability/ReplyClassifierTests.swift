import CapsuleGate
import Testing

extension Reliability {
    @Suite struct ReplyClassifierTests {
        private func response(_ status: Int, _ body: String = "", retryAfter: Double? = nil) -> WebhookReply {
            .response(status: status, body: Array(body.utf8), retryAfter: retryAfter, seconds: 0.01)
        }

        @Test func allowAndBlockAnswersDecide() {
            let allow = ReplyClassifier.classifyBlocking(
                response(200, #"{"apiVersion":"1","response":{"action":"allow"}}"#)
            )
            #expect(allow == .decided(.allow, reason: nil, status: 200))
            let block = ReplyClassifier.classifyBlocking(
                response(200, #"{"apiVersion":"1","response":{"action":"block","reason":"no drop"}}"#)
            )
            #expect(block == .decided(.block, reason: "no drop", status: 200))
        }

        @Test(arguments: ["", "{}", "not json", #"{"response":{"action":"maybe"}}"#])
        func unreadableAnswersFailWithoutRetry(body: String) {
            guard case .failed(let reason, 200, .rejected) = ReplyClassifier.classifyBlocking(response(200, body))
            else {
                Issue.record("body \(body) did not fail as rejected")
                return
            }
            #expect(reason.contains("no readable decision"))
        }

        @Test(arguments: [
            (408, ReplyMeaning.FailureKind.unavailable, "408"),
            (500, .unavailable, "http 500"),
            (503, .unavailable, "http 503"),
            (429, .rateLimited, "429"),
            (401, .unauthorized, "invalid or expired token"),
            (400, .rejected, "http 400"),
            (302, .rejected, "redirect not followed"),
            (404, .rejected, "wrong url path"),
            (418, .rejected, "http 418"),
        ])
        func statusesMapToFailureKinds(status: Int, kind: ReplyMeaning.FailureKind, reason: String) {
            for classify in [ReplyClassifier.classifyBlocking, ReplyClassifier.classifyTelemetry] {
                guard case .failed(let text, let code, let found) = classify(response(status, "{}")) else {
                    Issue.record("status \(status) did not fail")
                    continue
                }
                #expect(found == kind, "status \(status)")
                #expect(code == status)
                #expect(text.lowercased().contains(reason), "status \(status): \(text)")
            }
        }

        @Test func badRequestQuotesCapsulesError() {
            let meaning = ReplyClassifier.classifyTelemetry(
                response(400, #"{"error":"tool.name: expected","field":"tool.name"}"#)
            )
            #expect(meaning == .failed(reason: "http 400: tool.name: expected", status: 400, kind: .rejected))
        }

        @Test func anyTwoHundredAcceptsTelemetry() {
            #expect(ReplyClassifier.classifyTelemetry(response(202)) == .accepted(status: 202))
            #expect(ReplyClassifier.classifyTelemetry(response(200, "whatever")) == .accepted(status: 200))
        }

        @Test(arguments: [
            (TransportFailure.Kind.timeout, ReplyMeaning.FailureKind.unavailable),
            (.connection, .unavailable),
            (.tls, .rejected),
            (.other, .rejected),
            (.cancelled, .cancelled),
        ])
        func transportFailuresMapToKinds(kind: TransportFailure.Kind, expected: ReplyMeaning.FailureKind) {
            let failure = TransportFailure(kind: kind, description: "why it failed")
            let meaning = ReplyClassifier.classifyBlocking(.failure(failure, seconds: 1))
            #expect(meaning == .failed(reason: "why it failed", status: nil, kind: expected))
        }
    }
}
