/// `capsule-gate mock`: a local stand-in for Capsule's generic webhook.
///
/// PLACEHOLDER: the mock server work replaces this file.
public enum MockCommand {
    /// Runs the mock until SIGTERM or SIGINT.
    ///
    /// - Returns: The process exit status.
    public static func main(arguments: [String], environment: [String: String]) -> Int32 {
        StandardStreams.writeError("capsule-gate mock: not built yet\n")
        return 2
    }
}
