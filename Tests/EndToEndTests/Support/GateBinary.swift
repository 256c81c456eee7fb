import Foundation

/// Finds and runs the built `capsule-gate` executable.
enum GateBinary {
    /// The executable: `CAPSULE_GATE_BIN` when set, else `capsule-gate` next to the test bundle.
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["CAPSULE_GATE_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return bundle.deletingLastPathComponent().appendingPathComponent("capsule-gate")
    }

    /// The environment every child gets: `PATH` and a disabled backtracer, plus `extra` (which wins).
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var base = ["SWIFT_BACKTRACE": "enable=no"]
        base["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return base.merging(extra) { _, new in new }
    }

    /// Starts `capsule-gate` with `arguments`, exactly ``environment(_:)`` plus `environment`.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(executable: url, arguments: arguments, environment: Self.environment(environment))
    }

    /// Runs `capsule-gate` to completion: writes `stdin` then closes it, and collects both outputs.
    ///
    /// The child is killed when it has not exited after `timeout`, and the result says so.
    static func run(
        _ arguments: [String],
        stdin: String = "",
        environment: [String: String] = [:],
        timeout: Duration = .seconds(30)
    ) async throws -> RunResult {
        let child = try start(arguments, environment: environment)
        child.write(stdin)
        child.closeInput()
        let status = await child.waitForExit(timeout: timeout)
        if status == nil { await child.terminate() }
        return RunResult(
            status: status ?? child.exitStatus ?? -1,
            stdout: child.stdoutText,
            stderr: child.stderrText,
            timedOut: status == nil
        )
    }
}

/// What a finished run of `capsule-gate` produced.
struct RunResult: Sendable {
    /// The exit status (`-1` if unknown).
    var status: Int32
    /// Everything written to stdout.
    var stdout: String
    /// Everything written to stderr.
    var stderr: String
    /// Whether the run was killed for exceeding its timeout.
    var timedOut: Bool

    /// stdout split into lines, without the final empty one.
    var stdoutLines: [String] {
        stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stdout.hasSuffix("\n") ? 1 : 0)
            .map(String.init)
    }
}
