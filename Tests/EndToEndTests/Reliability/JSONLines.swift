import Foundation

/// Splits JSON-lines text into objects, for assertions on output, spool and record files.
enum JSONLines {
    /// Every non-empty line of `text` parsed as a JSON object; a line that is not one becomes `["unparsed": line]`.
    static func parse(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").map { object(String($0)) }
    }

    /// One line parsed as a JSON object, or `["unparsed": line]`.
    static func object(_ line: String) -> [String: Any] {
        guard let data = line.data(using: .utf8),
            let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        else { return ["unparsed": line] }
        return value
    }
}
