import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// End-to-end checks of `examples/run.sh`: every coprocess agent runs against the real `capsule-gate mock` and the
/// built binary, and its transcript must match the expected file.
@Suite struct ExamplesTests {
    /// The languages `examples/run.sh` knows, each with the runtime it needs.
    private static let languages = ["python", "node", "bash"]

    @Test func everyExamplePassesOrIsSkipped() async throws {
        let run = try await ExamplesRun.start(environment: [:])
        #expect(run.status == 0, "examples/run.sh failed:\n\(run.output)")
        let lines = run.output.split(separator: "\n").map(String.init)
        for language in Self.languages {
            let verdicts = lines.filter { $0 == "PASS \(language)" || $0.hasPrefix("SKIP \(language): ") }
            #expect(verdicts.count == 1, "no single PASS or SKIP line for '\(language)' in:\n\(run.output)")
        }
        #expect(!lines.contains { $0.hasPrefix("FAIL") }, "a FAIL line in:\n\(run.output)")
    }

    @Test func everyAgentSourceFileIsUnder80Lines() throws {
        let folder = ExamplesRun.repositoryRoot.appendingPathComponent("examples/coprocess")
        let sources = [
            "python/agent.py", "python/capsule_gate.py", "node/agent.js", "bash/agent.sh",
        ]
        for source in sources {
            let text = try String(contentsOf: folder.appendingPathComponent(source), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            #expect(lines > 10 && lines < 80, "'\(source)' has \(lines) lines")
        }
    }

    @Test func aTranscriptThatDiffersFromTheExpectedFileFails() async throws {
        guard ExamplesRun.isOnPath("python3") else { return }
        let expected = FileManager.default.temporaryDirectory
            .appendingPathComponent("capsule-gate-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: expected) }
        let original = ExamplesRun.repositoryRoot.appendingPathComponent("examples/coprocess/expected")
        for name in ["python.txt", "python-fail-open.txt"] {
            let text = try String(contentsOf: original.appendingPathComponent(name), encoding: .utf8)
            let tampered = name == "python.txt" ? text.replacingOccurrences(of: "blocked", with: "allowed") : text
            try tampered.write(to: expected.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let run = try await ExamplesRun.start(
            environment: ["EXAMPLES_LANGUAGES": "python", "EXAMPLES_EXPECTED_DIR": expected.path]
        )
        #expect(run.status == 1, "examples/run.sh should fail on a changed transcript:\n\(run.output)")
        #expect(run.output.contains("FAIL python (session)"), "no FAIL line in:\n\(run.output)")
        #expect(run.output.contains("+tool db_query \"DROP TABLE orders\": blocked"), "no diff in:\n\(run.output)")
        #expect(!run.output.contains("PASS python"))
    }
}

/// One finished run of `examples/run.sh` with the built `capsule-gate`.
private struct ExamplesRun: Sendable {
    /// The exit status of `examples/run.sh`.
    var status: Int32
    /// Its stdout and stderr, interleaved.
    var output: String

    /// The repository root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `examples/run.sh BIN` (at most 120 s) on a dedicated thread, never blocking the cooperative pool.
    ///
    /// - Parameter environment: Variables added to this process's environment.
    /// - Returns: The exit status and the combined output.
    /// - Throws: When the script cannot be started.
    static func start(environment: [String: String]) async throws -> ExamplesRun {
        let binary = try builtBinary()
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                // A thread started from the cooperative pool inherits its blocked signals, and so would the script:
                // unblock the ones its processes are stopped with, as in a user's shell.
                var stopSignals = sigset_t()
                sigemptyset(&stopSignals)
                for stopSignal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&stopSignals, stopSignal) }
                pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    let script = repositoryRoot.appendingPathComponent("examples/run.sh").path
                    process.arguments = ["timeout", "-k", "5", "120", "bash", script, binary.path]
                    process.environment = ProcessInfo.processInfo.environment
                        .merging(environment) { _, new in new }
                        .merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new }
                    process.currentDirectoryURL = repositoryRoot
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    process.standardError = pipe
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    let output = String(decoding: data, as: UTF8.self)
                    continuation.resume(returning: ExamplesRun(status: process.terminationStatus, output: output))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    /// The `capsule-gate` executable built next to the test bundle.
    ///
    /// - Returns: Its file URL.
    /// - Throws: ``ExamplesRunError/binaryNotFound(_:)`` when it is in none of the build folders.
    static func builtBinary() throws -> URL {
        let folders = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            repositoryRoot.appendingPathComponent(".build/debug"),
        ]
        let candidates = folders.map { $0.appendingPathComponent("capsule-gate") }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ExamplesRunError.binaryNotFound(candidates.map(\.path))
        }
        return binary
    }

    /// Whether an executable of this name is on `PATH`.
    ///
    /// - Parameter name: The program, e.g. `python3`.
    /// - Returns: `true` when some `PATH` folder holds it.
    static func isOnPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { folder in
            FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)")
        }
    }
}

/// Why the examples could not be run.
private enum ExamplesRunError: Error, CustomStringConvertible {
    /// No built `capsule-gate` at any of these paths.
    case binaryNotFound([String])

    var description: String {
        switch self {
        case .binaryNotFound(let paths):
            "no built 'capsule-gate' at \(paths.map { "'\($0)'" }.joined(separator: ", "))"
        }
    }
}
