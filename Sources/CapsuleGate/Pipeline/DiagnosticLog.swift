import Synchronization

/// Writes the filter's messages to stderr, each prefixed `capsule-gate: `; some only once per run.
public final class DiagnosticLog: Sendable {
    private let said = Mutex<Set<String>>([])
    private let redact: @Sendable (String) -> String

    /// Creates a log whose every line passes through `redact` (which removes the token) before it is written.
    public init(redact: @escaping @Sendable (String) -> String = { $0 }) {
        self.redact = redact
    }

    /// Writes one line.
    public func say(_ message: String) {
        StandardStreams.writeError("capsule-gate: \(redact(message))\n")
    }

    /// Writes one line the first time `key` is seen, and nothing after.
    public func sayOnce(_ key: String, _ message: @autoclosure () -> String) {
        let isFirst = said.withLock { $0.insert(key).inserted }
        if isFirst { say(message()) }
    }
}
