/// Why a ``TransportConfiguration`` or ``CurlTransport`` could not be set up.
public enum TransportConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The extra CA file cannot be read; `reason` is the system's text.
    case unreadableCAFile(path: String, reason: String)
    /// The extra CA file holds no PEM certificate.
    case notPEM(path: String)
    /// A setting is out of range; `reason` says which and why.
    case invalidSetting(String)
    /// libcurl could not be set up; `reason` says what failed.
    case curlSetup(reason: String)

    /// One sentence a user can act on.
    public var description: String {
        switch self {
        case .unreadableCAFile(let path, let reason):
            "cannot read the CA file '\(path)': \(reason)"
        case .notPEM(let path):
            "the CA file '\(path)' holds no PEM certificate ('-----BEGIN CERTIFICATE-----')"
        case .invalidSetting(let reason):
            reason
        case .curlSetup(let reason):
            "cannot set up libcurl: \(reason)"
        }
    }
}
