#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``CurlTransport`` connects: pool size, extra trust, identity and limits.
public struct TransportConfiguration: Sendable, Hashable {
    /// Connections kept open to the server and the most used at once; size it to every request that can be in
    /// flight (blocking plus telemetry), so no request waits for a connection and none is closed while idle.
    public var maxConnections: Int
    /// A PEM file with an extra CA to trust on top of the system's CAs; verification is never turned off.
    public var caFile: String?
    /// The `User-Agent` sent unless the default headers name another one.
    public var userAgent: String
    /// The largest response body accepted; a larger one fails the request with
    /// ``TransportError/responseTooLarge(limit:)``.
    public var maxResponseBytes: Int
    /// The CA file's contents, read once when the configuration is made.
    let caCertificates: [UInt8]?

    /// Creates a configuration, reading and checking the CA file now.
    ///
    /// - Parameters:
    ///   - maxConnections: Connections kept open and used at once (at least 1).
    ///   - caFile: A PEM file with an extra CA to trust, or `nil` for the system's CAs only.
    ///   - userAgent: The `User-Agent` header value.
    ///   - maxResponseBytes: The largest response body accepted (default 1 MiB).
    /// - Throws: ``TransportConfigurationError`` when the CA file is missing, unreadable or not PEM, or a number is
    ///   out of range.
    public init(
        maxConnections: Int,
        caFile: String? = nil,
        userAgent: String,
        maxResponseBytes: Int = 1 << 20
    ) throws(TransportConfigurationError) {
        guard maxConnections >= 1 else {
            throw .invalidSetting("the connection count must be at least 1, not \(maxConnections)")
        }
        guard maxResponseBytes >= 0 else {
            throw .invalidSetting("the response size cap must not be negative, not \(maxResponseBytes)")
        }
        self.maxConnections = maxConnections
        self.caFile = caFile
        self.userAgent = userAgent
        self.maxResponseBytes = maxResponseBytes
        if let caFile {
            let bytes = try Self.readCAFile(caFile)
            guard Self.containsPEMCertificate(bytes) else { throw .notPEM(path: caFile) }
            caCertificates = bytes
        } else {
            caCertificates = nil
        }
    }

    /// Reads a whole file, or throws with the system's reason.
    private static func readCAFile(_ path: String) throws(TransportConfigurationError) -> [UInt8] {
        guard let bytes = SmallFile.contents(of: path) else {
            throw .unreadableCAFile(path: path, reason: String(cString: strerror(errno)))
        }
        return bytes
    }

    /// Whether `bytes` contain a PEM certificate header.
    private static func containsPEMCertificate(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN CERTIFICATE-----".utf8)
        guard bytes.count >= marker.count else { return false }
        for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
            if bytes[start..<start + marker.count].elementsEqual(marker) { return true }
        }
        return false
    }
}
