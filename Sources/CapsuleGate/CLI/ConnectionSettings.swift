#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every command that talks to Capsule needs: where it is, the token, and an extra CA to trust.
public struct ConnectionSettings: Sendable {
    /// The webhook endpoint, with the default path filled in.
    public var endpoint: Endpoint
    /// Where the token comes from.
    public var tokenSource: TokenSource
    /// An extra CA certificate file to trust, if any.
    public var caFile: String?

    /// Reads `--url`/`CAPSULE_URL`, the token (`--token-file`, `CAPSULE_TOKEN`, `CAPSULE_TOKEN_FILE`) and
    /// `--ca-file`/`CAPSULE_CA_FILE`.
    ///
    /// - Throws: ``UsageError`` for a missing URL or token, a URL that is not https (or http to loopback), or an
    ///   unreadable CA file.
    public static func parse(_ source: SettingSource) throws(UsageError) -> ConnectionSettings {
        guard let url = source.string("--url", "CAPSULE_URL") else {
            throw .missingRequired(option: "--url", environment: "CAPSULE_URL")
        }
        let option = source.arguments.values["--url"] != nil ? "--url" : "CAPSULE_URL"
        let endpoint = try Endpoint.parse(url, option: option)
        let tokenFile = source.arguments.values["--token-file"]
        guard let tokenSource = TokenSource.resolve(tokenFile: tokenFile, environment: source.environment) else {
            throw .other("missing token: pass --token-file PATH, or set CAPSULE_TOKEN or CAPSULE_TOKEN_FILE")
        }
        let caFile = source.string("--ca-file", "CAPSULE_CA_FILE")
        if let caFile, access(caFile, R_OK) != 0 {
            throw .other("cannot read the CA file '\(caFile)' given by --ca-file")
        }
        return ConnectionSettings(endpoint: endpoint, tokenSource: tokenSource, caFile: caFile)
    }
}
