/// What ``JSONScanner`` recorded about one line: the top-level value's range and the members of the top-level
/// object and of its `agent`, `user`, `tool` and `message` objects.
struct EventScan: Sendable {
    /// Offset of the top-level value's first byte.
    var rootStart = 0
    /// Offset just past the top-level value's last byte.
    var rootEnd = 0
    /// Whether the top-level value is an object.
    var rootIsObject = false
    /// The top-level object's members, in document order.
    var members: [JSONMember] = []
    /// The members of the top-level `agent`, `user`, `tool` and `message` objects, in document order.
    var nested: [JSONMember] = []

    /// The top-level member for `field`, if present (the first one; duplicates are rejected separately).
    func member(_ field: JSONMember.Field) -> JSONMember? {
        for member in members where member.field == field { return member }
        return nil
    }

    /// The member for `field` inside the nested object `parent`, if present.
    func member(_ field: JSONMember.Field, in parent: JSONMember.Parent) -> JSONMember? {
        for member in nested where member.field == field && member.parent == parent { return member }
        return nil
    }

    /// How many members the nested object `parent` has.
    func memberCount(in parent: JSONMember.Parent) -> Int {
        var total = 0
        for member in nested where member.parent == parent { total += 1 }
        return total
    }
}

/// The kind of a JSON value, from its first byte.
enum JSONValueKind: Sendable {
    /// `{…}`.
    case object
    /// `[…]`.
    case array
    /// `"…"`.
    case string
    /// A number.
    case number
    /// `true` or `false`.
    case boolean
    /// `null`.
    case null

    /// The kind of the checked value whose first byte is `byte`.
    init(firstByte byte: UInt8) {
        switch byte {
        case UInt8(ascii: "{"): self = .object
        case UInt8(ascii: "["): self = .array
        case UInt8(ascii: "\""): self = .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .boolean
        case UInt8(ascii: "n"): self = .null
        default: self = .number
        }
    }
}

extension EventScan {
    /// The kind of `member`'s value in `buffer`.
    func kind(of member: JSONMember, in buffer: UnsafeRawBufferPointer) -> JSONValueKind {
        JSONValueKind(firstByte: buffer[member.valueStart])
    }

    /// The raw contents (between the quotes) of `member`'s string value, or `nil` when it is not a string.
    func rawString(_ member: JSONMember, in buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard buffer[member.valueStart] == UInt8(ascii: "\"") else { return nil }
        return UnsafeRawBufferPointer(rebasing: buffer[(member.valueStart + 1)..<(member.valueEnd - 1)])
    }

    /// `member`'s string value decoded, or `nil` when it is not a string.
    func string(_ member: JSONMember, in buffer: UnsafeRawBufferPointer) -> String? {
        guard let raw = rawString(member, in: buffer) else { return nil }
        return JSONStringDecoder.decode(raw, hasEscapes: member.valueHasEscapes)
    }

    /// `member`'s key decoded.
    func key(_ member: JSONMember, in buffer: UnsafeRawBufferPointer) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: buffer[(member.keyStart + 1)..<(member.keyEnd - 1)])
        return JSONStringDecoder.decode(raw, hasEscapes: member.keyHasEscapes)
    }

    /// The dotted path of the first key that repeats in the top-level object or in one recorded nested object.
    ///
    /// Keys compare after decoding, so `"id"` and `"\u0069d"` are the same key. The top-level object is checked
    /// first, then `agent`, `user`, `tool` and `message`. The path is `tool.name` for a nested key, the bare key
    /// for a top-level one.
    ///
    /// - Parameter buffer: The scanned bytes.
    /// - Returns: The path of the repeated key, or `nil` when no key repeats.
    func duplicateKeyPath(in buffer: UnsafeRawBufferPointer) -> String? {
        if let duplicate = firstDuplicate(members, in: buffer) {
            return key(duplicate, in: buffer)
        }
        guard nested.count > 1 else { return nil }
        let parents: [JSONMember.Parent] = [.agent, .user, .tool, .message]
        for parent in parents {
            let duplicate: JSONMember?
            if nested.count <= 32 {
                duplicate = firstDuplicateInSmallNested(parent: parent, in: buffer)
            } else {
                duplicate = firstDuplicate(nested.filter { $0.parent == parent }, in: buffer)
            }
            if let duplicate {
                return "\(parent.name).\(key(duplicate, in: buffer))"
            }
        }
        return nil
    }

    /// The second occurrence of the first repeated key among `parent`'s members, comparing pairwise in place.
    private func firstDuplicateInSmallNested(
        parent: JSONMember.Parent,
        in buffer: UnsafeRawBufferPointer
    ) -> JSONMember? {
        for later in 1..<nested.count where nested[later].parent == parent {
            for earlier in 0..<later
            where nested[earlier].parent == parent && sameKey(nested[earlier], nested[later], in: buffer) {
                return nested[later]
            }
        }
        return nil
    }

    /// The second occurrence of the first repeated key in `group`, or `nil`.
    private func firstDuplicate(_ group: [JSONMember], in buffer: UnsafeRawBufferPointer) -> JSONMember? {
        guard group.count > 1 else { return nil }
        if group.count <= 16 {
            for later in 1..<group.count {
                for earlier in 0..<later where sameKey(group[earlier], group[later], in: buffer) {
                    return group[later]
                }
            }
            return nil
        }
        var seen = Set<[UInt8]>(minimumCapacity: group.count)
        for member in group where !seen.insert(keyBytes(member, in: buffer)).inserted {
            return member
        }
        return nil
    }

    /// Whether two members' keys are equal once decoded.
    private func sameKey(_ first: JSONMember, _ second: JSONMember, in buffer: UnsafeRawBufferPointer) -> Bool {
        if first.field != .other || second.field != .other {
            return first.field == second.field
        }
        if !first.keyHasEscapes && !second.keyHasEscapes {
            let length = first.keyEnd - first.keyStart
            guard length == second.keyEnd - second.keyStart else { return false }
            for offset in 0..<length where buffer[first.keyStart + offset] != buffer[second.keyStart + offset] {
                return false
            }
            return true
        }
        return keyBytes(first, in: buffer) == keyBytes(second, in: buffer)
    }

    /// A member's key decoded to UTF-8 bytes.
    private func keyBytes(_ member: JSONMember, in buffer: UnsafeRawBufferPointer) -> [UInt8] {
        let raw = UnsafeRawBufferPointer(rebasing: buffer[(member.keyStart + 1)..<(member.keyEnd - 1)])
        return member.keyHasEscapes ? JSONStringDecoder.decodeBytes(raw) : Array(raw)
    }
}
