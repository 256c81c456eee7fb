import Testing

@testable import CapsuleGate

@Suite struct HTTPRequestParserTests {
    private func parse(_ text: String, parser: HTTPRequestParser = HTTPRequestParser()) -> HTTPRequestParser.Result {
        Array(text.utf8).withUnsafeBytes { parser.parseHead($0) }
    }

    private func head(_ text: String) -> (HTTPRequestHead, Int)? {
        guard case .complete(let head, let length) = parse(text) else { return nil }
        return (head, length)
    }

    @Test func parsesRequestLineHeadersAndLength() throws {
        let text =
            "POST /v1/generic-webhook/hooks/events?x=1 HTTP/1.1\r\nHost: a\r\nContent-LENGTH:  12 \r\n"
            + "Authorization: Bearer abc\r\n\r\n{\"a\":1}"
        let (parsed, length) = try #require(head(text))
        #expect(parsed.method == "POST")
        #expect(parsed.target == "/v1/generic-webhook/hooks/events?x=1")
        #expect(parsed.path == "/v1/generic-webhook/hooks/events")
        #expect(parsed.minorVersion == 1)
        #expect(parsed.contentLength == 12)
        #expect(parsed.value(of: "authorization") == "Bearer abc")
        #expect(parsed.isKeepAlive)
        #expect(!parsed.expectsContinue)
        #expect(length == text.utf8.count - 7)
    }

    @Test func waitsForTheWholeHead() {
        #expect(parse("POST / HTTP/1.1\r\nHost: a\r\n") == .incomplete)
        #expect(parse("") == .incomplete)
        #expect(parse("POST / HTTP/1.1\r\nHost: a\r\n\r") == .incomplete)
    }

    @Test func appliesKeepAliveRules() throws {
        #expect(try #require(head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")).0.isKeepAlive == false)
        #expect(try #require(head("GET / HTTP/1.1\r\nConnection: Keep-Alive, Close\r\n\r\n")).0.isKeepAlive == false)
        #expect(try #require(head("GET / HTTP/1.0\r\n\r\n")).0.isKeepAlive == false)
        #expect(try #require(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).0.isKeepAlive)
        #expect(try #require(head("GET / HTTP/1.1\r\n\r\n")).0.isKeepAlive)
    }

    @Test func recognisesExpectContinue() throws {
        #expect(
            try #require(head("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n")).0.expectsContinue
        )
        #expect(try #require(head("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")).0.expectsContinue == false)
    }

    @Test func parsesPipelinedRequestsOneAtATime() throws {
        let one = "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
        let two = "GET /b HTTP/1.1\r\n\r\n"
        let (first, length) = try #require(head(one + two))
        #expect(first.target == "/a")
        let rest = String(decoding: Array((one + two).utf8)[(length + 2)...], as: UTF8.self)
        #expect(try #require(head(rest)).0.target == "/b")
    }

    @Test func skipsLeadingEmptyLines() throws {
        #expect(try #require(head("\r\n\r\nGET /x HTTP/1.1\r\n\r\n")).0.target == "/x")
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400),
        ("post / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413),
    ])
    func rejectsBadHeads(text: String, status: Int) throws {
        guard case .failure(let error) = parse(text) else {
            Issue.record("expected a failure for \(text)")
            return
        }
        #expect(error.status == status)
    }

    @Test func limitsHeadSize() {
        let parser = HTTPRequestParser(maxHeadBytes: 64, maxBodyBytes: 10)
        let long = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100)
        guard case .failure(let error) = parse(long, parser: parser) else {
            Issue.record("expected 431")
            return
        }
        #expect(error.status == 431)
        guard case .failure(let body) = parse("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", parser: parser) else {
            Issue.record("expected 413")
            return
        }
        #expect(body == .bodyTooLarge(length: 11, limit: 10))
    }
}
