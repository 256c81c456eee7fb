import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `capsule-gate` child reading a file on stdin whose stdout pipe nobody reads until ``readLines(atLeast:timeout:)``.
final class StalledProcess: @unchecked Sendable {
    // @unchecked: `Process` and `FileHandle` are not `Sendable`; the process is only signalled and polled, and the
    // pipe is read by one thread at a time (the test's).

    private let process = Process()
    private let output = Pipe()

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// Whether the child still runs.
    var isRunning: Bool { process.isRunning }

    /// Starts the filter with `arguments`, stdin from `inputPath`, stderr discarded.
    init(arguments: [String], inputPath: String) throws {
        process.executableURL = GateBinary.url
        process.arguments = arguments
        process.environment = GateBinary.environment()
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Reads stdout (blocking; call on a thread) until `count` lines arrived or `timeout` seconds passed.
    ///
    /// - Returns: The lines read.
    func readLines(atLeast count: Int, timeout: Double) -> Int {
        let descriptor = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        var lines = 0
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while lines < count, Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let read = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if read <= 0 { break }
            lines += chunk[..<read].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        }
        return lines
    }

    /// Kills the child and reaps it.
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
