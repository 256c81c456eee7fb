/// Maps decoded object keys to the fields the filter reads.
enum FieldNames {
    /// The field `key` names: top-level names when `topLevel`, the nested objects' names otherwise.
    ///
    /// - Parameters:
    ///   - key: The key's decoded UTF-8 bytes, without quotes.
    ///   - topLevel: Whether the key belongs to the top-level object.
    /// - Returns: The field, or ``JSONMember/Field/other``.
    static func field(for key: UnsafeRawBufferPointer, topLevel: Bool) -> JSONMember.Field {
        if topLevel {
            switch key.count {
            case 4: return matches(key, "user") ? .user : matches(key, "tool") ? .tool : .other
            case 5: return matches(key, "agent") ? .agent : .other
            case 7: return matches(key, "message") ? .message : .other
            case 9: return matches(key, "timestamp") ? .timestamp : .other
            case 10:
                return matches(key, "event_type") ? .eventType : matches(key, "session_id") ? .sessionID : .other
            case 14: return matches(key, "correlation_id") ? .correlationID : .other
            default: return .other
            }
        }
        switch key.count {
        case 2: return matches(key, "id") ? .id : .other
        case 4: return matches(key, "name") ? .name : .other
        case 5: return matches(key, "email") ? .email : matches(key, "input") ? .input : .other
        case 6: return matches(key, "output") ? .output : .other
        case 7: return matches(key, "content") ? .content : .other
        default: return .other
        }
    }

    /// Whether `bytes` equal the ASCII text of `name` (same length already checked).
    @inline(__always)
    static func matches(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount, let base = bytes.baseAddress else {
            return bytes.isEmpty && name.utf8CodeUnitCount == 0
        }
        let text = name.utf8Start
        for offset in 0..<bytes.count where base.load(fromByteOffset: offset, as: UInt8.self) != text[offset] {
            return false
        }
        return true
    }
}
