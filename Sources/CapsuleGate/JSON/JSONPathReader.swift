/// Reads one value at a path of object keys from a small JSON document, without Foundation.
///
/// Meant for Capsule's answers (`{"apiVersion":"1","response":{"action":"block","reason":"…"}}`) and error bodies:
/// the whole document is first checked by ``JSONScanner`` (strict RFC 8259, depth-limited), then walked without
/// recursion, skipping the members that are not on the path. Keys compare after decoding escapes; with repeated
/// keys the first one wins.
public enum JSONPathReader {
    /// The string at `path` in `document`.
    ///
    /// - Parameters:
    ///   - path: Object keys from the top level down, e.g. `["response", "action"]`.
    ///   - document: UTF-8 JSON text.
    /// - Returns: The decoded string, or `nil` when the document is not valid JSON, a key is missing, a step is not
    ///   an object, or the value is not a string.
    public static func string(at path: [String], in document: UnsafeRawBufferPointer) -> String? {
        guard let range = valueRange(at: path, in: document), document[range.lowerBound] == UInt8(ascii: "\"")
        else { return nil }
        let raw = UnsafeRawBufferPointer(rebasing: document[(range.lowerBound + 1)..<(range.upperBound - 1)])
        return JSONStringDecoder.decode(raw, hasEscapes: raw.contains(UInt8(ascii: "\\")))
    }

    /// The string at `path` in `document`; see ``string(at:in:)-(_,UnsafeRawBufferPointer)``.
    public static func string(at path: [String], in document: [UInt8]) -> String? {
        document.withUnsafeBytes { string(at: path, in: $0) }
    }

    /// The byte range of the raw JSON value at `path` in `document`, or `nil` (invalid JSON or no such value).
    ///
    /// - Parameters:
    ///   - path: Object keys from the top level down; empty for the top-level value itself.
    ///   - document: UTF-8 JSON text.
    /// - Returns: Offsets of the value's first byte and just past its last byte.
    public static func valueRange(at path: [String], in document: UnsafeRawBufferPointer) -> Range<Int>? {
        guard case .success(let scan) = JSONScanner.scan(document) else { return nil }
        var walker = Walker(bytes: document, index: scan.rootStart)
        for key in path {
            guard walker.enterMember(named: key) else { return nil }
        }
        let start = walker.index
        walker.skipValue()
        return start..<walker.index
    }
}

/// A cursor over a document the scanner already accepted.
private struct Walker {
    /// The document.
    let bytes: UnsafeRawBufferPointer
    /// The cursor: at the first byte of a value.
    var index: Int

    /// Moves from the object at `index` to the value of its first member named `key`.
    ///
    /// - Returns: `false` when the value at `index` is not an object or has no such member.
    mutating func enterMember(named key: String) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
        index += 1
        var wanted = key
        return wanted.withUTF8 { wantedBytes in
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
                let keyStart = index + 1
                skipString()
                let raw = UnsafeRawBufferPointer(rebasing: bytes[keyStart..<(index - 1)])
                skipWhitespace()
                index += 1  // the colon
                skipWhitespace()
                if matches(raw, UnsafeRawBufferPointer(wantedBytes)) { return true }
                skipValue()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
            }
        }
    }

    /// Whether a raw key equals `wanted` once decoded.
    private func matches(_ raw: UnsafeRawBufferPointer, _ wanted: UnsafeRawBufferPointer) -> Bool {
        if raw.contains(UInt8(ascii: "\\")) {
            return JSONStringDecoder.decodeBytes(raw).elementsEqual(wanted)
        }
        return raw.elementsEqual(wanted)
    }

    /// Skips one complete value starting at `index`.
    mutating func skipValue() {
        guard index < bytes.count else { return }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    skipString()
                    continue
                }
                index += 1
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return }
                }
            }
        default:
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return
                default: index += 1
                }
            }
        }
    }

    /// Skips a string whose opening quote is at `index`, leaving `index` just past its closing quote.
    private mutating func skipString() {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            index += byte == UInt8(ascii: "\\") ? 2 : 1
            if byte == UInt8(ascii: "\"") { return }
        }
    }

    /// Skips JSON whitespace.
    private mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
            index += 1
        }
    }
}
