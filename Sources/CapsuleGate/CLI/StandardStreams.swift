#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to stdout and stderr for messages (not for the filter's decision stream).
public enum StandardStreams {
    /// Writes `text` to stdout whole, retrying short writes.
    ///
    /// - Returns: `false` when stdout is closed.
    @discardableResult
    public static func writeOut(_ text: String) -> Bool {
        write(Array(text.utf8), to: STDOUT_FILENO)
    }

    /// Writes `text` to stderr whole, retrying short writes.
    public static func writeError(_ text: String) {
        _ = write(Array(text.utf8), to: STDERR_FILENO)
    }

    /// Writes `bytes` to `descriptor` whole.
    ///
    /// - Returns: `false` on an error such as `EPIPE`.
    public static func write(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
