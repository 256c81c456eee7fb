import Testing

@testable import CapsuleGate

@Suite struct TransportErrorTests {
    @Test(arguments: [
        (TransportError.timeout(seconds: 10), "timeout after 10s"),
        (.timeout(seconds: 0.5), "timeout after 0.5s"),
        (.timeout(seconds: 1.25), "timeout after 1.25s"),
        (.connectionRefused, "connection refused"),
        (.connectionReset, "connection reset"),
        (.emptyReply, "server closed the connection without answering"),
        (.couldNotResolveHost("capsule.invalid"), "could not resolve host 'capsule.invalid'"),
        (.tlsUntrusted, "tls: certificate not trusted (pass --ca-file)"),
        (.tlsHostMismatch(host: "localhost"), "tls: certificate does not match host 'localhost'"),
        (.responseTooLarge(limit: 1024), "response larger than 1024 bytes"),
        (.cancelled, "cancelled"),
        (.other(code: 3, message: "URL using bad/illegal format"), "curl error 3: URL using bad/illegal format"),
    ])
    func describesTheFailure(error: TransportError, text: String) {
        #expect(error.description == text)
    }

    @Test func onlyFailuresBeforeTheRequestWentOutAreUnsent() {
        #expect(!TransportError.connectionRefused.wasSent)
        #expect(!TransportError.couldNotResolveHost("x").wasSent)
        #expect(!TransportError.tlsUntrusted.wasSent)
        #expect(!TransportError.connectFailed(reason: "unreachable").wasSent)
        #expect(TransportError.timeout(seconds: 1).wasSent)
        #expect(TransportError.connectionReset.wasSent)
        #expect(TransportError.emptyReply.wasSent)
    }

    @Test(arguments: [
        ("https://capsule.example.com/v1/x", "capsule.example.com"),
        ("http://127.0.0.1:8080/", "127.0.0.1"),
        ("https://[::1]:443/path", "::1"),
        ("https://user@host.example:1", "host.example"),
        ("host-only", "host-only"),
    ])
    func findsTheHostOfAURL(url: String, host: String) {
        #expect(CurlLoop.host(of: url) == host)
    }
}
