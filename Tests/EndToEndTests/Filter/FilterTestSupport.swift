import Foundation

/// Small helpers for the filter's end-to-end tests.
enum FilterTestSupport {
    /// A complete valid event of `type`, as one JSON line (no newline), with `extra` members merged in.
    static func event(_ type: String, _ extra: [String: Any] = [:]) -> String {
        var object: [String: Any] = [
            "event_type": type,
            "session_id": "sess-e2e",
            "timestamp": "2026-03-03T10:30:00Z",
            "agent": ["id": "e2e-agent", "name": "E2E Agent"],
            "user": ["email": "user@example.com"],
        ]
        switch type {
        case "tool_invocation": object["tool"] = ["name": "order_lookup", "input": ["order_id": "12345"]]
        case "tool_result": object["tool"] = ["name": "order_lookup", "input": [:], "output": ["rows": 1]]
        case "user_message", "agent_message": object["message"] = ["content": "hello"]
        default: break
        }
        object.merge(extra) { _, new in new }
        return json(object)
    }

    /// Compact JSON text of `object` with sorted keys.
    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses each line of `text` as a JSON object; lines that are not objects become empty dictionaries.
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// The record file's lines, waiting up to `timeout` for at least `count` of them to appear.
    static func record(_ path: String, atLeast count: Int, timeout: Duration = .seconds(10)) async -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let lines = objects(text)
            if lines.count >= count || ContinuousClock.now >= deadline { return lines }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
