import Foundation
import Testing

@testable import CapsuleGate

/// A transport for one test.
private func makeTransport(
    maxConnections: Int = 4,
    maxResponseBytes: Int = 1 << 20,
    headers: [String] = ["Content-Type: application/json"]
) throws -> CurlTransport {
    let configuration = try TransportConfiguration(
        maxConnections: maxConnections,
        userAgent: "capsule-gate-tests/1",
        maxResponseBytes: maxResponseBytes
    )
    return try CurlTransport(configuration: configuration, defaultHeaders: headers)
}

/// The response of a request that must have succeeded.
private func answer(_ result: Result<HTTPResponse, TransportError>) throws -> HTTPResponse {
    switch result {
    case .success(let response): return response
    case .failure(let error): throw error
    }
}

/// The error of a request that must have failed.
private func failure(_ result: Result<HTTPResponse, TransportError>) -> TransportError? {
    if case .failure(let error) = result { return error }
    return nil
}

/// ``CurlTransport`` against the fixture servers in `Tests/Fixtures/` over loopback.
@Suite struct CurlTransportTests {
    @Test func postsBodyWithHeadersAndReturnsStatusAndBody() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport(
                headers: ["Content-Type: application/json", "Authorization: Bearer t-1"]
            )
            defer { transport.shutdown() }
            let body = Array(#"{"event_type":"tool_invocation"}"#.utf8)
            let result = await transport.send(
                HTTPRequest(url: fixture.url("/echo"), headers: ["x-correlation-id: corr-7"], body: body, timeout: 5)
            )
            let response = try answer(result)
            #expect(response.status == 200)
            #expect(response.retryAfter == nil)
            #expect(response.elapsed > 0 && response.elapsed < 5)
            let seen = jsonObject(response.body)
            #expect(seen["method"] as? String == "POST")
            #expect(seen["authorization"] as? String == "Bearer t-1")
            #expect(seen["correlation"] as? String == "corr-7")
            #expect(seen["content_type"] as? String == "application/json")
            #expect(seen["user_agent"] as? String == "capsule-gate-tests/1")
            #expect(seen["body_len"] as? Int == body.count)
            #expect(seen["body_head"] as? String == String(decoding: body, as: UTF8.self))
            #expect(seen["expect"] is NSNull)
            #expect(transport.requestsCompleted == 1)
        }
    }

    @Test func sendsAnEmptyBody() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            let response = try answer(
                await transport.send(HTTPRequest(url: fixture.url("/echo"), body: [], timeout: 5))
            )
            #expect(response.status == 200)
            #expect(jsonObject(response.body)["body_len"] as? Int == 0)
            #expect(jsonObject(response.body)["method"] as? String == "POST")
        }
    }

    @Test func reusesOneConnectionForSequentialRequests() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            var connectionIDs: Set<Int> = []
            for _ in 0..<5 {
                let response = try answer(
                    await transport.send(HTTPRequest(url: fixture.url("/ok"), body: Array("{}".utf8), timeout: 5))
                )
                #expect(response.status == 200)
                if let id = jsonObject(response.body)["conn"] as? Int { connectionIDs.insert(id) }
            }
            #expect(connectionIDs.count == 1)
            #expect(transport.connectionsOpened == 1)
            let stats = try answer(await transport.send(HTTPRequest(url: fixture.url("/stats"), body: [], timeout: 5)))
            #expect(jsonObject(stats.body)["connections"] as? Int == 1)
        }
    }

    @Test func completesSixtyFourConcurrentRequests() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport(maxConnections: 64)
            defer { transport.shutdown() }
            let url = fixture.url("/ok")
            let statuses = await withTaskGroup(of: Int.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let request = HTTPRequest(
                            url: url,
                            headers: ["x-correlation-id: \(index)"],
                            body: Array(#"{"n":\#(index)}"#.utf8),
                            timeout: 10
                        )
                        return (try? answer(await transport.send(request)))?.status ?? -1
                    }
                }
                var statuses: [Int] = []
                for await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.count == 64)
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(transport.requestsCompleted == 64)
            #expect(transport.connectionsOpened >= 1 && transport.connectionsOpened <= 64)
        }
    }

    @Test func timesOutAgainstABlackHoleOnTime() async throws {
        try await withTransportFixture(["--blackhole"]) { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            let started = MonotonicClock.now()
            let result = await transport.send(HTTPRequest(url: fixture.url("/"), body: [1, 2, 3], timeout: 0.3))
            let elapsed = MonotonicClock.now() - started
            #expect(elapsed >= 0.29)
            // The timeout itself fires on the curl thread within milliseconds (the error proves it was curl's
            // timer); the bound only guards against "never", since suites running in parallel can keep this test
            // process's two cooperative threads busy for a second before the answer is picked up.
            #expect(elapsed < 0.3 + 2, "timed out after \(elapsed)s")
            let error = try #require(failure(result))
            #expect(error == .timeout(seconds: 0.3))
            #expect(error.description == "timeout after 0.3s")
            #expect(error.wasSent)
        }
    }

    @Test func timeoutFiresAgainstAServerThatNeverAnswers() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            let started = MonotonicClock.now()
            let result = await transport.send(HTTPRequest(url: fixture.url("/hang"), body: [], timeout: 0.4))
            let elapsed = MonotonicClock.now() - started
            #expect(failure(result) == .timeout(seconds: 0.4))
            #expect(elapsed >= 0.39)
            #expect(elapsed < 0.4 + 2, "timed out after \(elapsed)s")
        }
    }

    @Test func refusedConnectionFailsFastAndWasNotSent() async throws {
        let transport = try makeTransport()
        defer { transport.shutdown() }
        let port = closedLoopbackPort()
        let started = MonotonicClock.now()
        let result = await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", body: [1], timeout: 30))
        let elapsed = MonotonicClock.now() - started
        let error = try #require(failure(result))
        #expect(error == .connectionRefused)
        #expect(error.description == "connection refused")
        #expect(!error.wasSent)
        // Milliseconds when run alone; the bound is loose because other suites running in parallel in this test
        // process can keep its two cooperative threads busy for seconds before the answer is picked up.
        #expect(elapsed < 10, "refused took \(elapsed) s; the timeout was 30 s")
    }

    @Test func returnsARedirectWithoutFollowingIt() async throws {
        try await withTransportFixture { target in
            try await withTransportFixture { redirector in
                let secret = "secret-token-\(UUID().uuidString)"
                let transport = try makeTransport(headers: ["Authorization: Bearer \(secret)"])
                defer { transport.shutdown() }
                for code in [301, 302, 307, 308] {
                    let location = target.url("/ok").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                    let url = redirector.url("/redirect?code=\(code)&to=\(location)")
                    let response = try answer(await transport.send(HTTPRequest(url: url, body: [1], timeout: 5)))
                    #expect(response.status == code)
                }
                let observer = try makeTransport()
                defer { observer.shutdown() }
                let targetStats = jsonObject(
                    try answer(await observer.send(HTTPRequest(url: target.url("/stats"), body: [], timeout: 5))).body
                )
                #expect(targetStats["requests"] as? Int == 0)
                #expect((targetStats["authorizations"] as? [Any])?.isEmpty == true)
                let redirectorStats = jsonObject(
                    try answer(await observer.send(HTTPRequest(url: redirector.url("/stats"), body: [], timeout: 5)))
                        .body
                )
                #expect(redirectorStats["requests"] as? Int == 4)
                #expect((redirectorStats["authorizations"] as? [String])?.first == "Bearer \(secret)")
            }
        }
    }

    @Test func parsesRetryAfterSecondsAndForgetsItOnTheNextAnswer() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport(maxConnections: 1)
            defer { transport.shutdown() }
            let busy = try answer(
                await transport.send(
                    HTTPRequest(url: fixture.url("/status?code=503&retry_after=2"), body: [1], timeout: 5)
                )
            )
            #expect(busy.status == 503)
            #expect(busy.retryAfter == 2)
            let throttled = try answer(
                await transport.send(
                    HTTPRequest(url: fixture.url("/status?code=429&retry_after=7"), body: [1], timeout: 5)
                )
            )
            #expect(throttled.status == 429)
            #expect(throttled.retryAfter == 7)
            let fine = try answer(await transport.send(HTTPRequest(url: fixture.url("/ok"), body: [1], timeout: 5)))
            #expect(fine.status == 200)
            #expect(fine.retryAfter == nil)
        }
    }

    @Test func parsesRetryAfterAsAnHTTPDate() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = formatter.string(from: Date().addingTimeInterval(30))
            let encoded = date.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try answer(
                await transport.send(
                    HTTPRequest(url: fixture.url("/status?code=503&retry_after=\(encoded)"), body: [1], timeout: 5)
                )
            )
            #expect(response.status == 503)
            let delay = try #require(response.retryAfter)
            #expect(delay > 25 && delay <= 31)
        }
    }

    @Test func sendsALargeBodyWithoutWaitingForContinue() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            // libcurl 7.88 adds `Expect: 100-continue` above 1 MiB (older ones above 1 KiB): go past both.
            let body = [UInt8](repeating: UInt8(ascii: "a"), count: (1 << 20) + 4096)
            let response = try answer(
                await transport.send(HTTPRequest(url: fixture.url("/echo"), body: body, timeout: 5))
            )
            #expect(response.status == 200)
            #expect(jsonObject(response.body)["body_len"] as? Int == body.count)
            #expect(jsonObject(response.body)["expect"] is NSNull)
            // libcurl would wait 1 s for a 100 Continue this server never sends.
            #expect(response.elapsed < 0.9)
        }
    }

    @Test func failsCleanlyWhenTheAnswerExceedsTheCap() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport(maxResponseBytes: 1024)
            defer { transport.shutdown() }
            let big = await transport.send(HTTPRequest(url: fixture.url("/big?bytes=100000"), body: [1], timeout: 5))
            #expect(failure(big) == .responseTooLarge(limit: 1024))
            #expect(failure(big)?.description == "response larger than 1024 bytes")
            let small = try answer(
                await transport.send(HTTPRequest(url: fixture.url("/big?bytes=1024"), body: [1], timeout: 5))
            )
            #expect(small.body.count == 1024)
        }
    }

    @Test func cancellingTheTaskResumesPromptly() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            let url = fixture.url("/hang")
            let task = Task { await transport.send(HTTPRequest(url: url, body: [1], timeout: 10)) }
            try await Task.sleep(for: .milliseconds(150))
            let started = MonotonicClock.now()
            task.cancel()
            let result = await task.value
            #expect(failure(result) == .cancelled)
            #expect(MonotonicClock.now() - started < 1)
            let after = try answer(await transport.send(HTTPRequest(url: fixture.url("/ok"), body: [1], timeout: 5)))
            #expect(after.status == 200)
            #expect(transport.requestsFailed == 1)
        }
    }

    @Test func aTaskCancelledBeforeSendingIsAnsweredCancelled() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            let url = fixture.url("/ok")
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await transport.send(HTTPRequest(url: url, body: [1], timeout: 5))
            }
            #expect(failure(await task.value) == .cancelled)
        }
    }

    @Test func shutdownCancelsRequestsInFlightAndLaterOnes() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            let url = fixture.url("/hang")
            let task = Task { await transport.send(HTTPRequest(url: url, body: [1], timeout: 10)) }
            try await Task.sleep(for: .milliseconds(150))
            transport.shutdown()
            #expect(failure(await task.value) == .cancelled)
            let later = await transport.send(HTTPRequest(url: fixture.url("/ok"), body: [1], timeout: 5))
            #expect(failure(later) == .cancelled)
            transport.shutdown()
        }
    }

    @Test func replacesTheDefaultHeadersForLaterRequests() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport(headers: ["Authorization: Bearer old"])
            defer { transport.shutdown() }
            let first = try answer(await transport.send(HTTPRequest(url: fixture.url("/echo"), body: [1], timeout: 5)))
            #expect(jsonObject(first.body)["authorization"] as? String == "Bearer old")
            transport.setDefaultHeaders(["Authorization: Bearer new", "Content-Type: application/json"])
            let second = try answer(
                await transport.send(
                    HTTPRequest(url: fixture.url("/echo"), headers: ["x-correlation-id: c2"], body: [1], timeout: 5)
                )
            )
            let seen = jsonObject(second.body)
            #expect(seen["authorization"] as? String == "Bearer new")
            #expect(seen["content_type"] as? String == "application/json")
            #expect(seen["correlation"] as? String == "c2")
        }
    }

    @Test func aConnectionTheServerClosedIsReplacedWithoutAFailure() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport(maxConnections: 1)
            defer { transport.shutdown() }
            let first = try answer(await transport.send(HTTPRequest(url: fixture.url("/close"), body: [1], timeout: 5)))
            #expect(first.status == 200)
            try await Task.sleep(for: .milliseconds(50))
            let second = try answer(await transport.send(HTTPRequest(url: fixture.url("/ok"), body: [1], timeout: 5)))
            #expect(second.status == 200)
            #expect(transport.connectionsOpened == 2)
        }
    }

    @Test func mapsAConnectionClosedOrResetWithoutAnswer() async throws {
        try await withTransportFixture { fixture in
            let transport = try makeTransport()
            defer { transport.shutdown() }
            let dropped = await transport.send(HTTPRequest(url: fixture.url("/drop"), body: [1], timeout: 5))
            #expect(failure(dropped) == .emptyReply)
            #expect(failure(dropped)?.description == "server closed the connection without answering")
            let reset = await transport.send(HTTPRequest(url: fixture.url("/reset"), body: [1], timeout: 5))
            #expect(failure(reset) == .connectionReset)
            #expect(failure(reset)?.wasSent == true)
        }
    }
}
