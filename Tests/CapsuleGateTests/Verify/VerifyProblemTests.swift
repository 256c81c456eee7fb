import Testing

@testable import CapsuleGate

@Suite struct VerifyProblemTests {
    private static let url = "https://capsule.example.com:8443/v1/generic-webhook/hooks/events"
    private static let allow = Array(#"{"apiVersion":"1","response":{"action":"allow"}}"#.utf8)

    private static func answer(_ status: Int, _ body: String = "") -> Result<HTTPResponse, TransportError> {
        .success(HTTPResponse(status: status, body: Array(body.utf8), elapsed: 0.01))
    }

    /// Each HTTP status maps to its problem, with the vendor's troubleshooting advice.
    @Test(arguments: [
        (401, "capsule rejected the token (http 401: invalid or expired token)", "Integrations → Webhook Events"),
        (
            404, "the URL's path is wrong: http 404 (not found) for '/v1/generic-webhook/hooks/events'",
            "pass --url https://capsule.example.com:8443/v1/generic-webhook/hooks/events"
        ),
        (405, "the URL's path is wrong: http 405 (method not allowed)", "/v1/generic-webhook/hooks/events"),
        (301, "redirect (http 301)", "check the URL's scheme, host and path"),
        (400, "capsule rejected the event as malformed (http 400: bad agent)", "reference's examples"),
        (408, "capsule took too long to process the event (http 408)", "fail-open"),
        (429, "rate limiting", "retry"),
        (500, "capsule-side error (http 500)", "retry later; meanwhile the filter fails open"),
        (503, "capsule-side error (http 503)", "retry later"),
        (418, "unexpected answer (http 418)", "generic webhook"),
    ])
    func statusMapsToProblemAndAdvice(status: Int, summary: String, advice: String) throws {
        let problem = try #require(
            VerifyProblem.classify(
                Self.answer(status, #"{"error":"bad agent"}"#),
                eventType: "tool_invocation",
                isBlocking: true,
                url: Self.url
            )
        )
        #expect(problem.summary.contains(summary), "\(problem.summary)")
        #expect(problem.advice.contains(advice), "\(problem.advice)")
    }

    /// Each transport failure maps to its problem, naming HOST:PORT where it helps.
    @Test(arguments: [
        (
            TransportError.connectionRefused, "nothing answered at capsule.example.com:8443 (connection refused)",
            "check the host and port"
        ),
        (
            .connectFailed(reason: "network unreachable"), "nothing answered at capsule.example.com:8443",
            "check the host and port"
        ),
        (
            .couldNotResolveHost("capsule.example.com"), "could not resolve the host 'capsule.example.com'",
            "check the host name"
        ),
        (
            .timeout(seconds: 2.5), "no answer to session_start from capsule.example.com:8443 within 2.5 s",
            "--telemetry-timeout"
        ),
        (.tlsUntrusted, "certificate is not trusted", "pass --ca-file"),
        (.tlsHostMismatch(host: "x"), "does not name the host 'capsule.example.com'", "host name"),
        (.tls(reason: "handshake failed"), "the TLS connection failed (handshake failed)", "--ca-file"),
        (.connectionReset, "capsule.example.com:8443 closed the connection", "scheme"),
        (.emptyReply, "closed the connection without answering", "scheme"),
        (.responseTooLarge(limit: 10), "larger than 10 bytes", "generic webhook"),
        (.other(code: 99, message: "weird"), "the request failed (curl error 99: weird)", "retry"),
    ])
    func transportFailureMapsToProblemAndAdvice(error: TransportError, summary: String, advice: String) throws {
        let problem = try #require(
            VerifyProblem.classify(.failure(error), eventType: "session_start", isBlocking: false, url: Self.url)
        )
        #expect(problem.summary.contains(summary), "\(problem.summary)")
        #expect(problem.advice.contains(advice), "\(problem.advice)")
    }

    @Test func anyTwoHundredPassesForTelemetry() {
        for status in [200, 202, 204] {
            #expect(
                VerifyProblem.classify(
                    Self.answer(status),
                    eventType: "session_start",
                    isBlocking: false,
                    url: Self.url
                )
                    == nil
            )
        }
    }

    @Test func allowAndBlockPassForABlockingEvent() {
        let block = #"{"apiVersion":"1","response":{"action":"block","reason":"no"}}"#
        for body in [String(decoding: Self.allow, as: UTF8.self), block] {
            #expect(
                VerifyProblem.classify(
                    Self.answer(200, body),
                    eventType: "tool_invocation",
                    isBlocking: true,
                    url: Self.url
                )
                    == nil
            )
        }
    }

    @Test func aBlockingAnswerNotInTheReferenceShapeIsAProblem() {
        for body in ["", "{}", #"{"response":{"action":"maybe"}}"#, "<html>login</html>"] {
            let problem = VerifyProblem.classify(
                Self.answer(200, body),
                eventType: "tool_invocation",
                isBlocking: true,
                url: Self.url
            )
            #expect(problem == .unexpectedAnswer(eventType: "tool_invocation", status: 200))
            #expect(problem?.summary.contains("not in the reference's shape") == true)
        }
    }

    @Test func defaultPortsAreNamedWhenTheURLHasNone() {
        #expect(URLParts("https://capsule.example.com/x").authority == "capsule.example.com:443")
        #expect(URLParts("http://127.0.0.1/x").authority == "127.0.0.1:80")
        #expect(URLParts("http://[::1]:9000/a?b").authority == "[::1]:9000")
        #expect(URLParts("http://[::1]:9000/a?b").path == "/a?b")
        #expect(URLParts("http://[::1]:9000/a?b").origin == "http://[::1]:9000")
        #expect(URLParts("http://[::1]:9000").path == "/")
    }
}
