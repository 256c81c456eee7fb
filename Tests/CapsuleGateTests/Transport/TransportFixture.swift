import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A fixture server process (`Tests/Fixtures/http_fixture.py`) listening on 127.0.0.1.
final class TransportFixture: Sendable {
    /// The port it reported on stdout line 1.
    let port: Int
    /// The running Python process.
    private let process: Process
    /// Its stdin; closing it makes the fixture exit even when signals are blocked.
    private let input: FileHandle
    /// `https` when started with `--tls`.
    private let scheme: String

    /// The fixtures folder, found from this file's path.
    static let fixturesDirectory: String = {
        var components = URL(fileURLWithPath: #filePath).pathComponents
        components.removeLast(3)  // Transport/TransportFixture.swift, CapsuleGateTests
        return NSString.path(withComponents: components + ["Fixtures"])
    }()

    private init(port: Int, process: Process, input: FileHandle, scheme: String) {
        self.port = port
        self.process = process
        self.input = input
        self.scheme = scheme
    }

    /// Starts the fixture with `arguments` and waits for its port.
    static func start(_ arguments: [String] = []) async throws -> TransportFixture {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixturesDirectory + "/http_fixture.py"] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        try process.run()
        let line = await readFirstLine(output.fileHandleForReading)
        let fixture = TransportFixture(
            port: Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0,
            process: process,
            input: input.fileHandleForWriting,
            scheme: arguments.contains("--tls") ? "https" : "http"
        )
        guard fixture.port > 0 else {
            fixture.stop()
            throw FixtureError.noPort(line)
        }
        return fixture
    }

    /// `http://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> String {
        "\(scheme)://127.0.0.1:\(port)\(path)"
    }

    /// Ends the process: closes its stdin (it exits at EOF) and kills it, since a test process may have blocked
    /// SIGTERM in the thread that spawned it.
    func stop() {
        try? input.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Reads up to the first newline without blocking a cooperative thread.
    private static func readFirstLine(_ handle: FileHandle) async -> String {
        let buffer = Mutex<(text: [UInt8], done: Bool)>(([], false))
        return await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            handle.readabilityHandler = { handle in
                let chunk = handle.availableData
                let line = buffer.withLock { state -> String? in
                    guard !state.done else { return nil }
                    state.text += chunk
                    guard chunk.isEmpty || state.text.contains(0x0A) else { return nil }
                    state.done = true
                    return String(decoding: state.text.prefix { $0 != 0x0A }, as: UTF8.self)
                }
                if let line {
                    handle.readabilityHandler = nil
                    continuation.resume(returning: line)
                }
            }
        }
    }

    /// Why a fixture did not start.
    enum FixtureError: Error {
        /// The first stdout line was not a port.
        case noPort(String)
        /// A tool exited with a failure status.
        case toolFailed([String], Int32)
    }
}

/// Runs `body` with a fixture server, stopping it afterwards.
func withTransportFixture<T>(
    _ arguments: [String] = [],
    _ body: (TransportFixture) async throws -> T
) async throws -> T {
    let fixture = try await TransportFixture.start(arguments)
    defer { fixture.stop() }
    return try await body(fixture)
}

/// Runs a tool to completion (without blocking a cooperative thread) and throws unless it exits 0.
func runTool(_ arguments: [String], in directory: String) async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    guard status == 0 else { throw TransportFixture.FixtureError.toolFailed(arguments, status) }
}

/// A port on 127.0.0.1 that nothing listens on: bound, then closed.
func closedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Decodes a JSON object body.
func jsonObject(_ bytes: [UInt8]) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
}
