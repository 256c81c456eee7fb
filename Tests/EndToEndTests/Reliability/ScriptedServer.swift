import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `Tests/Fixtures/reliability/scripted_server.py` child: a stand-in that fails the first requests, redirects, or
/// serves TLS, and logs every request it sees to a file.
struct ScriptedServer: Sendable {
    /// The running Python process.
    let child: ChildProcess
    /// The port it reported.
    let port: Int
    /// `http` or `https`.
    let scheme: String
    /// The file it logs one JSON line per request to.
    let logPath: String

    /// The folder holding the reliability fixtures, found from this file's path.
    static let fixturesDirectory: String = {
        var components = URL(fileURLWithPath: #filePath).pathComponents
        components.removeLast(3)  // Reliability/ScriptedServer.swift, EndToEndTests
        return NSString.path(withComponents: components + ["Fixtures", "reliability"])
    }()

    /// The endpoint URL (`scheme://127.0.0.1:PORT/v1/generic-webhook/hooks/events`).
    var url: String { "\(scheme)://127.0.0.1:\(port)\(MockProcess.path)" }

    /// Starts the server with `arguments`, logging to `logPath`, and waits for its port.
    ///
    /// - Throws: ``ScriptedServerError`` when it prints no port.
    static func start(_ arguments: [String] = [], logPath: String) async throws -> ScriptedServer {
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["python3", fixturesDirectory + "/scripted_server.py", "--log", logPath] + arguments,
            environment: GateBinary.environment()
        )
        guard let line = await child.readLine(timeout: .seconds(15)), let port = Int(line) else {
            await child.terminate()
            throw ScriptedServerError.noPort(stderr: child.stderrText)
        }
        let scheme = arguments.contains("--tls") ? "https" : "http"
        return ScriptedServer(child: child, port: port, scheme: scheme, logPath: logPath)
    }

    /// The requests logged so far, one dictionary each (`t`, `authorization`, `correlation`, `status`).
    func requests() -> [[String: Any]] {
        JSONLines.parse((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }

    /// Kills the server and waits for it.
    func stop() async {
        await child.terminate()
    }
}

/// Why a scripted server could not be started.
enum ScriptedServerError: Error, CustomStringConvertible {
    /// It printed no port; its stderr says why.
    case noPort(stderr: String)

    /// One sentence.
    var description: String {
        switch self {
        case .noPort(let stderr): "the scripted server printed no port; stderr: \(stderr)"
        }
    }
}
