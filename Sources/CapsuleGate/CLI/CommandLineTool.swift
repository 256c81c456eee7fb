import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `capsule-gate` command: picks the subcommand and maps its outcome to an exit status.
///
/// Exit statuses: 0 success, 1 runtime failure, 2 usage or configuration error, 130 interrupted by SIGINT.
public enum CommandLineTool {
    /// The version `--version` prints.
    public static let version = "0.1.0"

    /// Runs ``main(arguments:)`` on Swift's concurrency pool and blocks the calling (main) thread until it ends.
    ///
    /// - Returns: The process exit status.
    public static func runToCompletion(arguments: [String]) -> Int32 {
        let status = Mutex<Int32>(1)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result = await main(arguments: arguments)
            status.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return status.withLock { $0 }
    }

    /// Runs the command named by `arguments` (without the program name).
    ///
    /// - Returns: The process exit status.
    public static func main(arguments: [String]) async -> Int32 {
        let environment = ProcessEnvironment.capture()
        switch arguments.first {
        case "mock":
            return MockCommand.main(arguments: Array(arguments.dropFirst()), environment: environment)
        case "verify":
            return await VerifyCommand.main(arguments: Array(arguments.dropFirst()), environment: environment)
        default:
            return await FilterCommand.main(arguments: arguments, environment: environment)
        }
    }
}
