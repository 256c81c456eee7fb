import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A running child process with its stdin, stdout and stderr on pipes, read concurrently on dedicated threads.
///
/// Output is collected as it arrives, so a test can wait for a line (``readLine(timeout:)``) while the child keeps
/// running, and collecting both pipes at once means a chatty child can never deadlock on a full pipe.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `Process` and `FileHandle` are not `Sendable`; they are only touched through their thread-safe
    // methods, and every mutable field lives in `state`, behind a `Mutex`.

    /// What the reader threads and the termination handler have collected so far.
    private struct State {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var stdoutConsumed = 0
        var isStdoutClosed = false
        var isStderrClosed = false
        var exitStatus: Int32?
    }

    private let process = Process()
    private let input = Pipe()
    private let state = Mutex(State())

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// Starts `executable` with `arguments` and exactly `environment`.
    ///
    /// - Throws: When the executable cannot be started.
    init(executable: URL, arguments: [String], environment: [String: String]) throws {
        let output = Pipe()
        let errors = Pipe()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        process.terminationHandler = { [self] finished in
            state.withLock { $0.exitStatus = finished.terminationStatus }
        }
        try process.run()
        drain(output.fileHandleForReading.fileDescriptor, isStdout: true)
        drain(errors.fileHandleForReading.fileDescriptor, isStdout: false)
    }

    private func drain(_ descriptor: Int32, isStdout: Bool) {
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                state.withLock { current in
                    if isStdout {
                        current.stdout.append(contentsOf: chunk[..<count])
                    } else {
                        current.stderr.append(contentsOf: chunk[..<count])
                    }
                }
            }
            state.withLock { current in
                if isStdout { current.isStdoutClosed = true } else { current.isStderrClosed = true }
            }
        }
        thread.start()
    }

    /// Writes `text` to the child's stdin; a child that has already gone is not an error here (the test's
    /// assertions on its output and status say what went wrong), and never raises SIGPIPE in the test runner.
    func write(_ text: String) {
        signal(SIGPIPE, SIG_IGN)
        let descriptor = input.fileHandleForWriting.fileDescriptor
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Closes the child's stdin (it sees EOF).
    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Sends `signal` to the child.
    func send(signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Everything the child wrote to stdout so far, as text.
    var stdoutText: String { state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }

    /// Everything the child wrote to stderr so far, as text.
    var stderrText: String { state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// The exit status once the child has exited (a signal's number when it was killed by one).
    var exitStatus: Int32? { state.withLock { $0.exitStatus } }

    /// The next stdout line not read yet (without its `\n`), or `nil` when none arrives within `timeout`.
    func readLine(timeout: Duration = .seconds(10)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let line: String? = state.withLock { current in
                let pending = current.stdout[current.stdoutConsumed...]
                guard let newline = pending.firstIndex(of: 0x0A) else { return nil }
                let text = String(decoding: current.stdout[current.stdoutConsumed..<newline], as: UTF8.self)
                current.stdoutConsumed = newline + 1
                return text
            }
            if let line { return line }
            if ContinuousClock.now >= deadline || state.withLock({ $0.isStdoutClosed && $0.exitStatus != nil }) {
                return nil
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Waits for the child to exit and both pipes to reach EOF.
    ///
    /// - Returns: The exit status, or `nil` when the child is still running after `timeout`.
    func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let status: Int32? = state.withLock { current in
                current.isStdoutClosed && current.isStderrClosed ? current.exitStatus : nil
            }
            if let status { return status }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Kills the child with SIGKILL if it still runs, and waits for it.
    func terminate() async {
        if exitStatus == nil { send(signal: SIGKILL) }
        _ = await waitForExit(timeout: .seconds(5))
    }
}
