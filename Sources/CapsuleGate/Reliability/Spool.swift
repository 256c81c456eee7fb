import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps telemetry that Capsule did not accept: appends JSON lines to `--spool PATH`, or counts them when there
/// is no spool file, so nothing is lost silently.
public final class Spool: Sendable {
    private let descriptor: Int32
    /// The spool file's path, when there is one.
    public let path: String?
    private let counts = Mutex((spooled: 0, failed: 0))

    /// Opens (creating, mode 0600) the spool file for appending, or counts only when `path` is `nil`.
    ///
    /// - Throws: ``UsageError`` when the file cannot be opened.
    public init(path: String?) throws(UsageError) {
        self.path = path
        guard let path else {
            descriptor = -1
            return
        }
        let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard opened >= 0 else {
            throw .other("cannot open the spool file '\(path)': \(String(cString: strerror(errno)))")
        }
        descriptor = opened
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Keeps one undelivered event: appends its spool line (which ends in `\n`), or counts it.
    public func keep(_ line: [UInt8]) {
        guard descriptor >= 0 else {
            counts.withLock { $0.failed += 1 }
            return
        }
        // One write(2) per line under the lock: O_APPEND keeps lines whole, even across processes.
        let written = counts.withLock { counts in
            let isWritten = StandardStreams.write(line, to: descriptor)
            if isWritten { counts.spooled += 1 } else { counts.failed += 1 }
            return isWritten
        }
        _ = written
    }

    /// Events appended to the spool file, and events that could not be kept anywhere.
    public var totals: (spooled: Int, lost: Int) {
        counts.withLock { ($0.spooled, $0.failed) }
    }
}
