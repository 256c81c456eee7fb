#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Capsule JWT.
///
/// Its description is redacted so that it cannot leak through string interpolation.
public struct BearerToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The token itself.
    ///
    /// Read it only to build the `Authorization` header or to compare.
    public let value: String

    /// Wraps a token.
    public init(_ value: String) {
        self.value = value
    }

    /// Always `[redacted]`.
    public var description: String { "[redacted]" }
    /// Always `[redacted]`.
    public var debugDescription: String { "[redacted]" }
}

/// Where the token comes from.
///
/// Precedence: `--token-file`, then `CAPSULE_TOKEN`, then `CAPSULE_TOKEN_FILE`. Never a flag value.
public enum TokenSource: Sendable, Hashable {
    /// A file holding the token (trailing whitespace trimmed); re-read on SIGHUP and after a 401.
    case file(path: String)
    /// The token itself, from `CAPSULE_TOKEN`.
    case environment(BearerToken)

    /// Picks the source by precedence, or `nil` when none is configured.
    public static func resolve(tokenFile: String?, environment: [String: String]) -> TokenSource? {
        if let tokenFile { return .file(path: tokenFile) }
        if let token = environment["CAPSULE_TOKEN"], !token.isEmpty { return .environment(BearerToken(token)) }
        if let path = environment["CAPSULE_TOKEN_FILE"], !path.isEmpty { return .file(path: path) }
        return nil
    }

    /// Reads the token now.
    ///
    /// - Returns: The token, and a warning to print when the file is readable by group or others.
    /// - Throws: ``UsageError`` when the file cannot be read or is empty.
    public func load() throws(UsageError) -> (token: BearerToken, warning: String?) {
        switch self {
        case .environment(let token):
            return (token, nil)
        case .file(let path):
            guard let bytes = Self.readFile(path) else {
                throw .other("cannot read the token file '\(path)': \(String(cString: strerror(errno)))")
            }
            var end = bytes.count
            while end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
            guard end > 0 else { throw .other("the token file '\(path)' is empty") }
            let token = String(decoding: bytes[..<end], as: UTF8.self)
            var info = stat()
            var warning: String?
            if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
                warning =
                    "warning: the token file '\(path)' is readable by group or others; run 'chmod 600 \(path)'"
            }
            return (BearerToken(token), warning)
        }
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[..<count])
            if result.count > 1 << 20 { return nil }
        }
    }
}
