/// A strict, non-recursive RFC 8259 scanner that records where an event's interesting members lie.
///
/// One pass over the bytes checks the whole grammar: UTF-8 well-formedness (overlong forms, UTF-8-encoded
/// surrogates, truncated sequences and bytes above U+10FFFF are errors), string escapes (a lone surrogate
/// `\uD800` is an error), raw control characters and NUL bytes inside strings (errors), numbers by grammar
/// only, and nesting (an explicit stack of at most ``maximumDepth`` levels, so 100,000 `[` give
/// ``JSONSyntaxError/tooDeep(offset:)`` instead of a stack overflow).
///
/// Numbers are checked against the grammar and kept as text, never converted: `1e999` is valid JSON and is
/// forwarded to Capsule byte for byte.
///
/// For the top-level object, and for the objects `agent`, `user`, `tool` and `message` directly inside it, the
/// scanner records each member's key and value range (``JSONMember``), so callers read the few fields they need
/// and splice bytes instead of re-encoding. Strings are decoded only when asked (``EventScan/string(_:)``).
enum JSONScanner {
    /// The deepest nesting of objects and arrays accepted; the top-level object is level 1.
    static let maximumDepth = 512

    /// Scans one JSON text.
    ///
    /// - Parameter buffer: The bytes of one line, without its `\n`.
    /// - Returns: Where the top-level value and the recorded members lie, or the first syntax error.
    static func scan(_ buffer: UnsafeRawBufferPointer) -> Result<EventScan, JSONSyntaxError> {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return .failure(.unexpectedEnd(offset: 0))
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumDepth + 2) { stack in
            var scanner = Scanner(
                bytes: base.assumingMemoryBound(to: UInt8.self),
                count: buffer.count,
                stack: stack
            )
            return Result { () throws(JSONSyntaxError) -> EventScan in try scanner.run() }
        }
    }
}

/// The scanner's cursor and bookkeeping for one line.
private struct Scanner {
    /// Container kinds kept on the depth stack.
    private static let objectMark: UInt8 = 1
    /// An array on the depth stack.
    private static let arrayMark: UInt8 = 0

    /// The line's first byte.
    let bytes: UnsafePointer<UInt8>
    /// The line's length.
    let count: Int
    /// One kind byte per open container, indexed by depth (1-based).
    let stack: UnsafeMutableBufferPointer<UInt8>
    /// The cursor.
    var index = 0
    /// The result under construction.
    var scan = EventScan()
    /// Which recorded object is open at depth 2, if any.
    var nestedParent: JSONMember.Parent?

    init(bytes: UnsafePointer<UInt8>, count: Int, stack: UnsafeMutableBufferPointer<UInt8>) {
        self.bytes = bytes
        self.count = count
        self.stack = stack
        scan.members.reserveCapacity(12)
        scan.nested.reserveCapacity(12)
    }

    /// Scans the whole line.
    mutating func run() throws(JSONSyntaxError) -> EventScan {
        skipWhitespace()
        guard index < count else { throw .unexpectedEnd(offset: index) }
        scan.rootStart = index
        scan.rootIsObject = bytes[index] == UInt8(ascii: "{")
        var depth = 0
        while true {
            // A value starts at `index` (whitespace already skipped).
            guard index < count else { throw .unexpectedEnd(offset: index) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= JSONScanner.maximumDepth else { throw .tooDeep(offset: index) }
                let isObject = byte == UInt8(ascii: "{")
                stack[depth] = isObject ? Self.objectMark : Self.arrayMark
                if depth == 2 {
                    nestedParent = isObject && stack[1] == Self.objectMark ? parentFor(scan.members.last) : nil
                }
                index += 1
                skipWhitespace()
                let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                guard index < count && bytes[index] == closing else {
                    if isObject { try scanKey(depth: depth) }
                    continue
                }
                index += 1
                depth -= 1
            case UInt8(ascii: "\""):
                let escaped = try scanString()
                if depth == 1 && stack[1] == Self.objectMark {
                    scan.members[scan.members.count - 1].valueHasEscapes = escaped
                } else if depth == 2 && nestedParent != nil {
                    scan.nested[scan.nested.count - 1].valueHasEscapes = escaped
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try scanNumber()
            case UInt8(ascii: "t"):
                try scanLiteral("true")
            case UInt8(ascii: "f"):
                try scanLiteral("false")
            case UInt8(ascii: "n"):
                try scanLiteral("null")
            default:
                throw unexpected(at: index)
            }
            // A value ended at `index`, inside the container at `depth` (0: it was the top-level value).
            while true {
                if depth == 0 {
                    scan.rootEnd = index
                    skipWhitespace()
                    guard index == count else {
                        let byte = bytes[index]
                        if byte >= 0x80 && utf8SequenceLength(at: index) == nil { throw .invalidUTF8(offset: index) }
                        throw .trailingCharacters(offset: index)
                    }
                    return scan
                }
                let inObject = stack[depth] == Self.objectMark
                if depth == 1 && inObject {
                    scan.members[scan.members.count - 1].valueEnd = index
                } else if depth == 2 && inObject && nestedParent != nil {
                    scan.nested[scan.nested.count - 1].valueEnd = index
                }
                skipWhitespace()
                guard index < count else { throw .unexpectedEnd(offset: index) }
                let next = bytes[index]
                let closing = inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if next == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    if inObject { try scanKey(depth: depth) }
                    break
                } else if next == closing {
                    index += 1
                    depth -= 1
                } else {
                    throw .expectedSeparator(closing: closing, offset: index)
                }
            }
        }
    }

    /// Which recorded object a depth-2 object is, from the top-level member it is the value of.
    private func parentFor(_ member: JSONMember?) -> JSONMember.Parent? {
        switch member?.field {
        case .agent: .agent
        case .user: .user
        case .tool: .tool
        case .message: .message
        default: nil
        }
    }

    /// Scans `"key"`, whitespace, `:` and whitespace, recording the member when its object is recorded.
    private mutating func scanKey(depth: Int) throws(JSONSyntaxError) {
        guard index < count else { throw .unexpectedEnd(offset: index) }
        guard bytes[index] == UInt8(ascii: "\"") else { throw .expectedKey(offset: index) }
        let keyStart = index
        let escaped = try scanString()
        let keyEnd = index
        skipWhitespace()
        guard index < count else { throw .unexpectedEnd(offset: index) }
        guard bytes[index] == UInt8(ascii: ":") else { throw .expectedColon(offset: index) }
        index += 1
        skipWhitespace()
        let parent: JSONMember.Parent
        if depth == 1 {
            parent = .root
        } else if depth == 2, let nestedParent {
            parent = nestedParent
        } else {
            return
        }
        let field = classify(keyStart: keyStart, keyEnd: keyEnd, escaped: escaped, topLevel: depth == 1)
        let member = JSONMember(
            keyStart: keyStart,
            keyEnd: keyEnd,
            valueStart: index,
            valueEnd: index,
            field: field,
            parent: parent,
            keyHasEscapes: escaped,
            valueHasEscapes: false
        )
        if depth == 1 {
            scan.members.append(member)
        } else {
            scan.nested.append(member)
        }
    }

    /// Names the field a key stands for, decoding it first when it has escapes.
    private func classify(keyStart: Int, keyEnd: Int, escaped: Bool, topLevel: Bool) -> JSONMember.Field {
        let raw = UnsafeRawBufferPointer(start: bytes + keyStart + 1, count: keyEnd - keyStart - 2)
        if escaped {
            let decoded = JSONStringDecoder.decodeBytes(raw)
            return decoded.withUnsafeBytes { FieldNames.field(for: $0, topLevel: topLevel) }
        }
        return FieldNames.field(for: raw, topLevel: topLevel)
    }

    /// Skips JSON whitespace (space, tab, line feed, carriage return).
    @inline(__always)
    private mutating func skipWhitespace() {
        while index < count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// Scans a string whose opening quote is at `index`; leaves `index` just past the closing quote.
    ///
    /// Plain ASCII is crossed eight bytes at a time: ``JSONStringBytes/stopMask(_:)`` says whether a word holds a
    /// byte that needs attention (`"`, `\`, a control character, or a non-ASCII byte) and where the first one is,
    /// and the cursor jumps straight to it. A run of non-ASCII characters is then checked one UTF-8 sequence after
    /// another until the next ASCII byte. Only the last few bytes of the line are looked at one by one.
    ///
    /// - Returns: Whether the string contains a backslash escape.
    private mutating func scanString() throws(JSONSyntaxError) -> Bool {
        index += 1
        var escaped = false
        while true {
            // `&+` cannot overflow: `index` stays within the line, and a line is far shorter than `Int.max`.
            while index &+ 8 <= count {
                let stops = JSONStringBytes.stopMask(JSONStringBytes.word(bytes, at: index))
                guard stops == 0 else {
                    index &+= stops.trailingZeroBitCount &>> 3
                    break
                }
                index &+= 8
            }
            guard index < count else { throw .unexpectedEnd(offset: index) }
            let byte = bytes[index]
            if byte >= 0x80 {
                // A run of non-ASCII characters, one UTF-8 sequence after another up to the next ASCII byte.
                repeat {
                    guard let length = utf8SequenceLength(at: index) else { throw .invalidUTF8(offset: index) }
                    index &+= length
                } while index < count && bytes[index] >= 0x80
            } else if byte == UInt8(ascii: "\"") {
                index += 1
                return escaped
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                try scanEscape()
            } else if byte < 0x20 {
                throw .controlCharacter(byte, offset: index)
            } else {
                index += 1
            }
        }
    }

    /// Scans one escape whose backslash is at `index`, pairing `\u` surrogates.
    private mutating func scanEscape() throws(JSONSyntaxError) {
        let start = index
        guard index + 1 < count else { throw .unexpectedEnd(offset: count) }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            let unit = try hexUnit(at: index + 2, escapeStart: start)
            index += 6
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw .loneSurrogate(unit, offset: start)
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard index + 1 < count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw .loneSurrogate(unit, offset: start) }
                let low = try hexUnit(at: index + 2, escapeStart: index)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw .loneSurrogate(unit, offset: start) }
                index += 6
            }
        default:
            throw .invalidEscape(offset: start)
        }
    }

    /// Reads the four hex digits of a `\u` escape.
    private func hexUnit(at position: Int, escapeStart: Int) throws(JSONSyntaxError) -> UInt16 {
        guard position + 4 <= count else { throw .unexpectedEnd(offset: count) }
        var unit: UInt16 = 0
        for offset in 0..<4 {
            guard let digit = JSONStringDecoder.hexValue(bytes[position + offset]) else {
                throw .invalidEscape(offset: escapeStart)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// The length of the well-formed UTF-8 sequence (RFC 3629) starting at `position`, or `nil`.
    @inline(__always)
    private func utf8SequenceLength(at position: Int) -> Int? {
        JSONStringBytes.utf8SequenceLength(bytes, count: count, at: position)
    }

    /// The error for a byte that cannot start a value: invalid UTF-8, or an unexpected character.
    private func unexpected(at position: Int) -> JSONSyntaxError {
        let byte = bytes[position]
        if byte >= 0x80 && utf8SequenceLength(at: position) == nil {
            return .invalidUTF8(offset: position)
        }
        return .unexpectedCharacter(byte, offset: position)
    }

    /// Scans a number by the RFC 8259 grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func scanNumber() throws(JSONSyntaxError) {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < count else { throw .invalidNumber(offset: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            skipDigits()
        } else {
            throw .invalidNumber(offset: start)
        }
        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < count && isDigit(bytes[index]) else { throw .invalidNumber(offset: start) }
            skipDigits()
        }
        if index < count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < count && isDigit(bytes[index]) else { throw .invalidNumber(offset: start) }
            skipDigits()
        }
    }

    /// Whether `byte` is an ASCII digit.
    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Skips a run of ASCII digits.
    private mutating func skipDigits() {
        while index < count && isDigit(bytes[index]) { index += 1 }
    }

    /// Scans `true`, `false` or `null` exactly.
    private mutating func scanLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let length = literal.utf8CodeUnitCount
        let text = literal.utf8Start
        for offset in 0..<length {
            guard index + offset < count else { throw .unexpectedEnd(offset: count) }
            guard bytes[index + offset] == text[offset] else {
                throw unexpected(at: index + offset)
            }
        }
        index += length
    }
}
