import Foundation
import Testing

@testable import CapsuleGate

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct MockServerTests {
    /// Connects to `127.0.0.1:port`, sends `request`, and returns everything read until EOF or a 1 s timeout.
    private static func roundTrip(port: Int, _ request: String) -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return "" }
        // A fallback only: every test gets its answer or its close sooner.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(request.utf8).withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: chunk[..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }

    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    @Test func servesInProcessOnAFreePortAndStops() async throws {
        let server = try MockServer(configuration: MockServer.Configuration())
        #expect(server.port > 0)
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
        server.start()
        let body =
            #"{"event_type":"session_end","session_id":"s","timestamp":"2026-03-03T10:30:00Z","agent":{"id":"a"}}"#
        let request =
            "POST \(MockResponder.endpoint) HTTP/1.1\r\nAuthorization: Bearer x\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(body)"
        let port = server.port
        let answer = await Self.onThread { Self.roundTrip(port: port, request) }
        #expect(answer.hasPrefix("HTTP/1.1 202 Accepted\r\n"))
        #expect(answer.contains("Connection: close\r\n"))
        let chunked = await Self.onThread {
            Self.roundTrip(port: port, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        }
        #expect(chunked.hasPrefix("HTTP/1.1 411 "))
        server.stop()
        server.waitUntilStopped()
        let refused = await Self.onThread { Self.roundTrip(port: port, request) }
        #expect(refused.isEmpty)
    }

    @Test func stopClosesBlackholedConnections() async throws {
        let configuration = MockServer.Configuration(responder: MockResponder(faults: MockFaults(isBlackhole: true)))
        let server = try MockServer(configuration: configuration)
        server.start()
        let port = server.port
        async let answer = Self.onThread {
            Self.roundTrip(port: port, "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while server.openConnections == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(server.openConnections == 1)
        let started = ContinuousClock.now
        server.stop()
        #expect(await answer == "")
        // Milliseconds when run alone; loose because parallel suites can delay this process's threads. The 1 s
        // contract on SIGTERM is checked against the real binary in MockCommandTests.
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func recordLinesAreCompactAndRedacted() {
        let head = HTTPRequestHead(
            method: "POST",
            target: "/p",
            minorVersion: 1,
            headers: [
                HTTPHeader(name: "authorization", value: "Bearer sekrit"), HTTPHeader(name: "x-a", value: "1"),
                HTTPHeader(name: "x-a", value: "2"),
            ],
            contentLength: 0,
            isKeepAlive: true,
            expectsContinue: false
        )
        let body = "{ \"a\" : [1, 2],\n \"b\": \"x y\\\" z\" }"
        var line = Array(body.utf8).withUnsafeBytes {
            RequestRecorder.line(
                time: timespec(tv_sec: 1_772_533_800, tv_nsec: 123_456_789),
                connection: 7,
                head: head,
                body: $0,
                reply: MockReply(status: 202)
            )
        }
        RequestRecorder.scrub(&line, secret: Array("sekrit".utf8))
        let text = String(decoding: line, as: UTF8.self)
        #expect(
            text
                == #"{"time":"2026-03-03T10:30:00.123Z","connection":7,"method":"POST","path":"/p","headers":"#
                + #"{"authorization":"Bearer [redacted]","x-a":"1, 2"},"body":{"a":[1,2],"b":"x y\" z"},"#
                + #""status":202,"response":""}"# + "\n"
        )
        var leaky = Array("a sekrit b sekrit".utf8)
        RequestRecorder.scrub(&leaky, secret: Array("sekrit".utf8))
        #expect(String(decoding: leaky, as: UTF8.self) == "a [redacted] b [redacted]")
    }
}
