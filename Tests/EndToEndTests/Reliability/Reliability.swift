import Foundation

/// Shared helpers of the reliability end-to-end suites.
enum Reliability {
    /// The filter's arguments for `url` and `tokenFile`, followed by `extra`.
    static func arguments(url: String, tokenFile: String, _ extra: [String] = []) -> [String] {
        ["--url", url, "--token-file", tokenFile] + extra
    }

    /// Writes a token file (mode 0600) into `directory` and returns its path.
    static func tokenFile(in directory: TemporaryDirectory, token: String = "rel-token-0001") throws -> String {
        try directory.write("token", token + "\n")
    }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes; whether it held.
    static func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// Reads `count` stdout lines of `child`, each parsed; stops early (with fewer) when one does not come in time.
    static func readObjects(
        _ child: ChildProcess,
        count: Int,
        timeout: Duration = .seconds(15)
    ) async
        -> [[String: Any]]
    {
        var objects: [[String: Any]] = []
        for _ in 0..<count {
            guard let line = await child.readLine(timeout: timeout) else { break }
            objects.append(JSONLines.object(line))
        }
        return objects
    }

    /// Writes `text` to the child's stdin on a dedicated thread (the write may block on a full pipe).
    static func feed(_ child: ChildProcess, _ text: String, thenClose: Bool = false) async {
        await onThread {
            child.write(text)
            if thenClose { child.closeInput() }
        }
    }

    /// Lines of `text` containing `needle`.
    static func count(_ needle: String, in text: String) -> Int {
        text.split(separator: "\n").filter { $0.contains(needle) }.count
    }

    /// Seconds elapsed since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
