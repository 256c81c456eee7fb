import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mock Capsule webhook server: raw sockets, one accept thread and one thread per connection doing blocking
/// reads and writes, each request answered by a ``MockResponder``.
///
/// Bind with ``init(configuration:)`` (port 0 picks a free one, reported by ``port``), then ``start()``; ``stop()``
/// closes the listener and every connection, black-holed ones included.
public final class MockServer: Sendable {
    /// What the server serves and how.
    public struct Configuration: Sendable {
        /// The address to bind (`127.0.0.1`, `::1`, `localhost`).
        public var host: String
        /// The port to bind; `0` picks a free one.
        public var port: Int
        /// Decides each answer.
        public var responder: MockResponder
        /// The seed of the fault draws, or `nil` for a random one.
        public var seed: UInt64?
        /// Where each request is recorded, or `nil`.
        public var recorder: RequestRecorder?
        /// The most connections open at once; more are closed as soon as they are accepted.
        public var maxConnections: Int
        /// The head and body limits.
        public var parser: HTTPRequestParser

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            responder: MockResponder = MockResponder(),
            seed: UInt64? = nil,
            recorder: RequestRecorder? = nil,
            maxConnections: Int = 4096,
            parser: HTTPRequestParser = HTTPRequestParser()
        ) {
            self.host = host
            self.port = port
            self.responder = responder
            self.seed = seed
            self.recorder = recorder
            self.maxConnections = maxConnections
            self.parser = parser
        }
    }

    /// The open connections and whether the server stopped.
    private struct State {
        var connections: [Int: Int32] = [:]
        var nextConnection = 1
        var isStopped = false
    }

    /// The port the server listens on.
    public let port: Int
    /// `http://HOST:PORT` (IPv6 hosts in brackets).
    public let baseURL: String
    private let configuration: Configuration
    private let listener: Int32
    private let state = Mutex(State())
    private let generator: Mutex<SplitMix64>
    private let stopped = DispatchSemaphore(value: 0)

    /// Binds and listens; no connection is accepted before ``start()``.
    ///
    /// - Throws: ``MockServerError`` when the host cannot be resolved or the address cannot be bound.
    public init(configuration: Configuration) throws(MockServerError) {
        self.configuration = configuration
        generator = Mutex(SplitMix64(seed: configuration.seed ?? UInt64.random(in: .min ... .max)))
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(configuration.host, String(configuration.port), &hints, &found) == 0, let info = found else {
            throw .invalidHost(configuration.host)
        }
        defer { freeaddrinfo(found) }
        let address = "\(configuration.host):\(configuration.port)"
        let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw .socket(call: "create a socket for", address: address, reason: String(cString: strerror(errno)))
        }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .socket(call: "bind", address: address, reason: reason)
        }
        guard listen(descriptor, 1024) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .socket(call: "listen on", address: address, reason: reason)
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        let family = Int32(bound.ss_family)
        let boundPort: UInt16 = withUnsafePointer(to: &bound) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin6_port)
                }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
        }
        listener = descriptor
        port = Int(boundPort)
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        baseURL = "http://\(host):\(port)"
    }

    /// Starts accepting connections on a dedicated thread.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops accepting and closes every open connection (threads asleep in a latency wake up and find it closed).
    public func stop() {
        state.withLock { current in
            guard !current.isStopped else { return }
            current.isStopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for descriptor in current.connections.values { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    /// Blocks the calling thread until the server has stopped accepting (after ``stop()`` or a fatal accept error).
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()
    }

    /// Whether ``stop()`` was called (as opposed to the accept loop ending on an error).
    public var isStopRequested: Bool { state.withLock { $0.isStopped } }

    /// The number of connections open now.
    public var openConnections: Int { state.withLock { $0.connections.count } }

    private func acceptLoop() {
        defer {
            close(listener)
            stopped.signal()
        }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if state.withLock({ $0.isStopped }) { return }
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE || errno == ENOBUFS {
                    if errno != EINTR && errno != ECONNABORTED { usleep(10_000) }
                    continue
                }
                StandardStreams.writeError("capsule-gate mock: accept failed: \(String(cString: strerror(errno)))\n")
                return
            }
            let id: Int? = state.withLock { current in
                guard !current.isStopped, current.connections.count < configuration.maxConnections else { return nil }
                let id = current.nextConnection
                current.nextConnection += 1
                current.connections[id] = client
                return id
            }
            guard let id else {
                close(client)
                continue
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in
                serve(client, id: id)
                state.withLock { current in
                    current.connections[id] = nil
                    close(client)
                }
            }
            thread.stackSize = 512 << 10
            thread.start()
        }
    }

    /// Serves one connection until the client closes it, a request asks to close, or the server stops.
    private func serve(_ descriptor: Int32, id: Int) {
        var connection = Connection(descriptor: descriptor)
        while true {
            let parsed = connection.pending { configuration.parser.parseHead($0) }
            switch parsed {
            case .incomplete:
                guard connection.receive() else { return }
            case .failure(let error):
                let body = JSONText.errorBody(error.description)
                _ = connection.send(Self.responseHead(error.status, body.count, [], keepAlive: false, minor: 1) + body)
                return
            case .complete(let head, let headLength):
                let needed = headLength + head.contentLength
                if head.expectsContinue && connection.available < needed {
                    guard connection.send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                }
                while connection.available < needed {
                    guard connection.receive() else { return }
                }
                var readAt = timespec()
                clock_gettime(CLOCK_MONOTONIC, &readAt)
                var wallTime = timespec()
                clock_gettime(CLOCK_REALTIME, &wallTime)
                let (reply, shouldContinue) = connection.pending { bytes in
                    let body = UnsafeRawBufferPointer(rebasing: bytes[headLength..<needed])
                    let reply = configuration.responder.respond(to: head, body: body) {
                        generator.withLock { $0.nextUnit() }
                    }
                    if reply.isBlackholed {
                        configuration.recorder?.record(
                            time: wallTime,
                            connection: id,
                            head: head,
                            body: body,
                            reply: reply
                        )
                        return (reply, false)
                    }
                    Self.sleep(until: readAt, plus: reply.delayNanoseconds)
                    let response =
                        Self.responseHead(
                            reply.status ?? 500,
                            reply.body.count,
                            reply.extraHeaders,
                            keepAlive: head.isKeepAlive,
                            minor: head.minorVersion
                        ) + reply.body
                    // Recorded before sending, so a client that has its answer can rely on the line being written.
                    configuration.recorder?.record(time: wallTime, connection: id, head: head, body: body, reply: reply)
                    let sent = Connection.send(response, on: descriptor)
                    return (reply, sent && head.isKeepAlive)
                }
                connection.consume(needed)
                if reply.isBlackholed {
                    connection.discardUntilClosed()
                    return
                }
                guard shouldContinue else { return }
            }
        }
    }

    /// Sleeps until `start + nanoseconds` on the monotonic clock (no sleep for 0).
    private static func sleep(until start: timespec, plus nanoseconds: UInt64) {
        guard nanoseconds > 0 else { return }
        let total = UInt64(start.tv_nsec) + nanoseconds
        var deadline = timespec(tv_sec: start.tv_sec + Int(total / 1_000_000_000), tv_nsec: Int(total % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
    }

    /// The status line and headers of an answer.
    static func responseHead(_ status: Int, _ length: Int, _ extra: [String], keepAlive: Bool, minor: Int) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        if length > 0 { text += "Content-Type: application/json\r\n" }
        text += "Content-Length: \(length)\r\n"
        for header in extra { text += header + "\r\n" }
        if !keepAlive {
            text += "Connection: close\r\n"
        } else if minor == 0 {
            text += "Connection: keep-alive\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}

/// The receive buffer of one connection: bytes read but not yet consumed, and blocking socket helpers.
private struct Connection {
    let descriptor: Int32
    var buffer = [UInt8](repeating: 0, count: 16_384)
    var start = 0
    var end = 0

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// How many unconsumed bytes are buffered.
    var available: Int { end - start }

    /// Calls `body` with the unconsumed bytes.
    func pending<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Drops `count` consumed bytes.
    mutating func consume(_ count: Int) {
        start += count
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Reads more bytes (blocking), making room first; `false` on EOF or an error.
    mutating func receive() -> Bool {
        if end == buffer.count {
            if start > 0 {
                buffer.withUnsafeMutableBytes { bytes in
                    guard let base = bytes.baseAddress else { return }
                    memmove(base, base + start, end - start)
                }
                end -= start
                start = 0
            } else {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { bytes in
                recv(descriptor, bytes.baseAddress.map { $0 + end }, bytes.count - end, 0)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            end += count
            return true
        }
    }

    /// Sends `bytes` whole; `false` on an error.
    func send(_ bytes: [UInt8]) -> Bool {
        Self.send(bytes, on: descriptor)
    }

    /// Sends `bytes` whole on `descriptor`; `false` on an error.
    static func send(_ bytes: [UInt8], on descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(
                    descriptor,
                    raw.baseAddress.map { $0 + offset },
                    raw.count - offset,
                    Int32(MSG_NOSIGNAL)
                )
                if sent < 0 && errno == EINTR { continue }
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    /// Reads and throws away everything until the peer closes or the server shuts the socket down.
    mutating func discardUntilClosed() {
        start = 0
        end = 0
        while receive() {
            start = 0
            end = 0
        }
    }
}
