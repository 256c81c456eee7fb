import Foundation

/// Reads a live process's memory figures from `/proc/PID/status`.
enum ProcessMemory {
    /// The resident set size in bytes (`VmRSS`), or `nil` when the process is gone.
    static func residentBytes(of pid: Int32) -> Int? { field("VmRSS", of: pid) }

    /// The peak resident set size in bytes (`VmHWM`), or `nil` when the process is gone.
    static func peakBytes(of pid: Int32) -> Int? { field("VmHWM", of: pid) }

    private static func field(_ name: String, of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
