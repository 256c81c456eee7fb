import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `capsule-gate mock` child process listening on a free loopback port.
struct MockProcess: Sendable {
    /// The webhook path the mock serves.
    static let path = "/v1/generic-webhook/hooks/events"

    /// The running child.
    let child: ChildProcess
    /// The port it listens on.
    let port: Int
    /// `http://127.0.0.1:PORT`, as printed on its first stdout line.
    let baseURL: String

    /// The full webhook URL (`baseURL` plus ``path``).
    var url: String { baseURL + Self.path }

    /// Starts `capsule-gate mock --port 0 ARGUMENTS` and waits for its `listening on` line.
    ///
    /// - Throws: ``MockProcessError`` when the mock exits or prints anything else first.
    static func start(_ arguments: [String] = [], environment: [String: String] = [:]) async throws -> MockProcess {
        let child = try GateBinary.start(["mock", "--port", "0"] + arguments, environment: environment)
        guard let line = await child.readLine(timeout: .seconds(15)) else {
            await child.terminate()
            throw MockProcessError.noListeningLine(stderr: child.stderrText)
        }
        let prefix = "listening on "
        guard line.hasPrefix(prefix), let colon = line.lastIndex(of: ":"),
            let port = Int(line[line.index(after: colon)...])
        else {
            await child.terminate()
            throw MockProcessError.unexpectedLine(line)
        }
        return MockProcess(child: child, port: port, baseURL: String(line.dropFirst(prefix.count)))
    }

    /// Sends SIGTERM and waits for the exit.
    ///
    /// - Returns: The exit status, or `nil` (after killing it) when the mock did not stop within `timeout`.
    @discardableResult
    func stop(timeout: Duration = .seconds(5)) async -> Int32? {
        child.send(signal: SIGTERM)
        let status = await child.waitForExit(timeout: timeout)
        if status == nil { await child.terminate() }
        return status
    }
}

/// Why a mock child could not be started.
enum MockProcessError: Error, CustomStringConvertible {
    /// The mock printed no line; its stderr says why.
    case noListeningLine(stderr: String)
    /// The first line was not `listening on http://HOST:PORT`.
    case unexpectedLine(String)

    /// One sentence.
    var description: String {
        switch self {
        case .noListeningLine(let stderr): "the mock printed no 'listening on' line; stderr: \(stderr)"
        case .unexpectedLine(let line): "unexpected first line from the mock: '\(line)'"
        }
    }
}

/// Runs `body` with a mock started with `arguments`, and stops the mock afterwards, even when `body` throws.
func withMockProcess<T>(
    _ arguments: [String] = [],
    environment: [String: String] = [:],
    _ body: (MockProcess) async throws -> T
) async throws -> T {
    let mock = try await MockProcess.start(arguments, environment: environment)
    do {
        let result = try await body(mock)
        await mock.stop()
        return result
    } catch {
        await mock.stop()
        throw error
    }
}
