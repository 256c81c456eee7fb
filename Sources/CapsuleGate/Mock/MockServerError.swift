/// Why the mock server could not start.
public enum MockServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host is not a numeric address or resolvable name.
    case invalidHost(String)
    /// A socket call failed; the call's name, the address and the system's reason.
    case socket(call: String, address: String, reason: String)

    /// One lowercase sentence quoting the culprit.
    public var description: String {
        switch self {
        case .invalidHost(let host): "cannot resolve the host '\(host)'"
        case .socket(let call, let address, let reason): "cannot \(call) '\(address)': \(reason)"
        }
    }
}
