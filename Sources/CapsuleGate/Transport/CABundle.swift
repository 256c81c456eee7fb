import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private CA bundle file: the system's CAs followed by an extra CA, so trusting the extra one drops none.
///
/// libcurl with OpenSSL reads one bundle file (and caches the parsed store per multi handle), so the two are
/// concatenated once, into a file created `0600` under `TMPDIR`, removed when the bundle is released.
final class CABundle: Sendable {
    /// Where the combined bundle lives.
    let path: String

    /// Writes the system bundle plus `extra` into a new private file.
    ///
    /// - Parameter extra: PEM certificates to trust on top of the system's.
    /// - Throws: ``TransportConfigurationError/curlSetup(reason:)`` when the file cannot be written.
    init(extra: [UInt8]) throws(TransportConfigurationError) {
        let system = Self.systemBundlePath().flatMap { SmallFile.contents(of: $0) } ?? []
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let template = directory + "/capsule-gate-ca-XXXXXX.pem"
        guard
            let path = SmallFile.createPrivate(
                template: template,
                suffixLength: 4,
                parts: [system, [0x0A], extra, [0x0A]]
            )
        else {
            throw .curlSetup(reason: "cannot write a CA bundle in '\(directory)': \(String(cString: strerror(errno)))")
        }
        self.path = path
    }

    deinit {
        unlink(path)
    }

    /// The CA bundle libcurl uses by default, or a well-known one, or `nil` when the system has none.
    static func systemBundlePath() -> String? {
        if let easy = curl_easy_init() {
            defer { curl_easy_cleanup(easy) }
            var pointer: UnsafeMutablePointer<CChar>?
            if cg_easy_getinfo_string(easy, CURLINFO_CAINFO, &pointer) == CURLE_OK, let pointer {
                let path = String(cString: pointer)
                if access(path, R_OK) == 0 { return path }
            }
        }
        let known = [
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/cert.pem",
            "/etc/ssl/ca-bundle.pem",
        ]
        return known.first { access($0, R_OK) == 0 }
    }
}
