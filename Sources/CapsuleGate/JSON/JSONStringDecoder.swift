/// Decodes the contents of JSON strings the scanner already checked.
///
/// Every function here expects the bytes between a string's quotes after ``JSONScanner`` accepted them; on bytes
/// it did not check they still never crash, but may return replacement characters.
enum JSONStringDecoder {
    /// The value of one hex digit, or `nil`.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Decodes a string's contents (without quotes) to a Swift `String`.
    ///
    /// - Parameters:
    ///   - raw: The bytes between the quotes.
    ///   - hasEscapes: Whether they contain a backslash; `false` takes the copy-only path.
    /// - Returns: The decoded text.
    static func decode(_ raw: UnsafeRawBufferPointer, hasEscapes: Bool) -> String {
        guard hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        let bytes = decodeBytes(raw)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes a string's contents (without quotes) to UTF-8 bytes, resolving every escape.
    static func decodeBytes(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        let count = raw.count
        while index < count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < count else {
                output.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hexUnit(raw, at: index) else {
                    appendScalar(0xFFFD, to: &output)
                    continue
                }
                index += 4
                if unit >= 0xD800 && unit <= 0xDBFF, index + 6 <= count, raw[index] == UInt8(ascii: "\\"),
                    raw[index + 1] == UInt8(ascii: "u"), let low = hexUnit(raw, at: index + 2),
                    low >= 0xDC00 && low <= 0xDFFF
                {
                    index += 6
                    appendScalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00), to: &output)
                } else if unit >= 0xD800 && unit <= 0xDFFF {
                    appendScalar(0xFFFD, to: &output)
                } else {
                    appendScalar(UInt32(unit), to: &output)
                }
            default: output.append(escape)
            }
        }
        return output
    }

    /// Calls `body` with every string value (not key) inside a checked JSON value, in document order.
    ///
    /// - Parameters:
    ///   - raw: The bytes of one complete JSON value the scanner accepted.
    ///   - body: Receives each string value, decoded.
    static func forEachStringValue(in raw: UnsafeRawBufferPointer, _ body: (String) -> Void) {
        var index = 0
        let count = raw.count
        while index < count {
            guard raw[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            let start = index + 1
            var escaped = false
            index += 1
            while index < count && raw[index] != UInt8(ascii: "\"") {
                if raw[index] == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                }
                index += 1
            }
            let end = min(index, count)
            index += 1
            var next = index
            while next < count, raw[next] == 0x20 || raw[next] == 0x09 || raw[next] == 0x0A || raw[next] == 0x0D {
                next += 1
            }
            if next < count && raw[next] == UInt8(ascii: ":") { continue }
            body(decode(UnsafeRawBufferPointer(rebasing: raw[start..<end]), hasEscapes: escaped))
        }
    }

    /// Reads four hex digits at `index`, or `nil`.
    private static func hexUnit(_ raw: UnsafeRawBufferPointer, at index: Int) -> UInt16? {
        guard index + 4 <= raw.count else { return nil }
        var unit: UInt16 = 0
        for offset in 0..<4 {
            guard let digit = hexValue(raw[index + offset]) else { return nil }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// Appends a Unicode scalar value as UTF-8.
    private static func appendScalar(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
