import Foundation
import Synchronization

/// The current token, re-read from its file on SIGHUP and after a 401, and pushed to the sender.
public final class Credentials: Sendable {
    private let source: TokenSource
    private let current: Mutex<BearerToken>

    /// Creates credentials holding `token`, read from `source`.
    public init(source: TokenSource, token: BearerToken) {
        self.source = source
        self.current = Mutex(token)
    }

    /// The token in use.
    public var token: BearerToken { current.withLock { $0 } }

    /// Re-reads the token file.
    ///
    /// - Returns: The new token when it differs from the one in use, else `nil` (also when the source is the
    ///   environment or the file cannot be read).
    public func reload() -> BearerToken? {
        guard case .file = source, let loaded = try? source.load() else { return nil }
        return current.withLock { token in
            guard token != loaded.token else { return nil }
            token = loaded.token
            return loaded.token
        }
    }

    /// Replaces every occurrence of the token in `text` with `[redacted]`.
    ///
    /// Tokens shorter than 8 characters (never a real JWT, but common in tests) are left alone, since redacting
    /// them would mangle ordinary words.
    public func redact(_ text: String) -> String {
        let value = token.value
        guard value.utf8.count >= 8, text.contains(value) else { return text }
        return text.replacingOccurrences(of: value, with: "[redacted]")
    }
}
