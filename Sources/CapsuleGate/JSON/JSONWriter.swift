/// Builds compact JSON text as UTF-8 bytes, placing commas and colons itself.
///
/// Strings are escaped per RFC 8259: `"` and `\` with a backslash, `\n`, `\r`, `\t`, `\b`, `\f` in their short
/// forms, every other control character as `\u00XX`; everything else, `/` and non-ASCII included, is written as
/// is. Non-finite doubles become `null`.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.beginObject()
/// writer.appendKey("error")
/// writer.appendString("tool.name: expected a non-empty string")
/// writer.appendKey("field")
/// writer.appendNull()
/// writer.endObject()
/// // writer.bytes == Array(#"{"error":"tool.name: expected a non-empty string","field":null}"#.utf8)
/// ```
///
/// The static `append…(_:to:)` functions write one token to a byte array without any separator logic.
public struct JSONWriter: Sendable {
    /// The text written so far.
    public var bytes: [UInt8]
    /// Whether the next key or value in the innermost open container needs a comma first.
    private var needsComma = false
    /// Whether a key was just written, so the next value follows its colon.
    private var afterKey = false
    /// `needsComma` of each enclosing container.
    private var enclosing: [Bool] = []

    /// Creates an empty writer.
    ///
    /// - Parameter capacity: Bytes to reserve up front.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Opens an object (as a value).
    public mutating func beginObject() {
        beginValue()
        enclosing.append(needsComma)
        needsComma = false
        bytes.append(UInt8(ascii: "{"))
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = enclosing.popLast() ?? true
    }

    /// Opens an array (as a value).
    public mutating func beginArray() {
        beginValue()
        enclosing.append(needsComma)
        needsComma = false
        bytes.append(UInt8(ascii: "["))
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = enclosing.popLast() ?? true
    }

    /// Writes an object key and its colon; the next append is its value.
    public mutating func appendKey(_ key: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        Self.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// Writes a string value, escaped.
    public mutating func appendString(_ value: String) {
        beginValue()
        Self.appendString(value, to: &bytes)
    }

    /// Writes an integer value.
    public mutating func appendInt(_ value: Int) {
        beginValue()
        Self.appendInt(value, to: &bytes)
    }

    /// Writes a double in Swift's shortest round-trip form (`0.1`, `1e-05`), or `null` when not finite.
    public mutating func appendDouble(_ value: Double) {
        beginValue()
        guard value.isFinite else {
            Self.appendASCII("null", to: &bytes)
            return
        }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Writes a double rounded to `fractionDigits` decimals, never in exponent form (see the static version).
    public mutating func appendDecimal(_ value: Double, fractionDigits: Int) {
        beginValue()
        Self.appendDecimal(value, fractionDigits: fractionDigits, to: &bytes)
    }

    /// Writes `true` or `false`.
    public mutating func appendBool(_ value: Bool) {
        beginValue()
        Self.appendASCII(value ? "true" : "false", to: &bytes)
    }

    /// Writes `null`.
    public mutating func appendNull() {
        beginValue()
        Self.appendASCII("null", to: &bytes)
    }

    /// Writes bytes that already are one complete JSON value, unchanged.
    public mutating func appendRawValue(_ json: some Sequence<UInt8>) {
        beginValue()
        bytes.append(contentsOf: json)
    }

    /// Writes the comma a value needs, if any.
    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if !enclosing.isEmpty && needsComma {
            bytes.append(UInt8(ascii: ","))
        }
        needsComma = true
    }
}

extension JSONWriter {
    /// Appends `value` as a quoted, escaped JSON string.
    ///
    /// - Parameters:
    ///   - value: Any Swift string.
    ///   - buffer: Where to append.
    public static func appendString(_ value: String, to buffer: inout [UInt8]) {
        var copy = value
        copy.withUTF8 { appendString(utf8: UnsafeRawBufferPointer($0), to: &buffer) }
    }

    /// Appends well-formed UTF-8 `utf8` as a quoted, escaped JSON string.
    ///
    /// - Parameters:
    ///   - utf8: The string's UTF-8 bytes (the caller guarantees they are well-formed).
    ///   - buffer: Where to append.
    public static func appendString(utf8: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
            }
            runStart = index + 1
            buffer.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
            case 0x0A: buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(UInt8(ascii: "r"))
            case 0x09: buffer.append(UInt8(ascii: "t"))
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            default:
                let hex: StaticString = "0123456789abcdef"
                buffer.append(contentsOf: [
                    UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex.utf8Start[Int(byte >> 4)],
                    hex.utf8Start[Int(byte & 0xF)],
                ])
            }
        }
        if runStart < utf8.count {
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Appends an integer in decimal.
    public static func appendInt(_ value: Int, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, minimumDigits: 1, to: &buffer)
    }

    /// Appends `value` rounded half away from zero to `fractionDigits` decimals, never in exponent form.
    ///
    /// Trailing zeros of the fraction are dropped but one digit always stays (`4.2`, `12.0`, `0.001`). Values
    /// whose magnitude is 10^15 or more are clamped to ±999999999999999; `fractionDigits` is clamped to 0–9;
    /// non-finite values are written as `null`.
    public static func appendDecimal(_ value: Double, fractionDigits: Int, to buffer: inout [UInt8]) {
        guard value.isFinite else {
            appendASCII("null", to: &buffer)
            return
        }
        var digits = min(max(fractionDigits, 0), 9)
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        while digits > 0 && value.magnitude * Double(scale) >= 9e18 {
            digits -= 1
            scale /= 10
        }
        guard value.magnitude < 1e15 else {
            if value < 0 { buffer.append(UInt8(ascii: "-")) }
            appendASCII("999999999999999.0", to: &buffer)
            return
        }
        let scaled = UInt64((value.magnitude * Double(scale)).rounded())
        if value < 0 && scaled > 0 { buffer.append(UInt8(ascii: "-")) }
        appendDigits(scaled / scale, minimumDigits: 1, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        guard digits > 0 else {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        var fraction = scaled % scale
        var width = digits
        while width > 1 && fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        appendDigits(fraction, minimumDigits: width, to: &buffer)
    }

    /// Appends ASCII text as is.
    @inline(__always)
    static func appendASCII(_ text: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `value` in decimal, left-padded with zeros to `minimumDigits`.
    private static func appendDigits(_ value: UInt, minimumDigits: Int, to buffer: inout [UInt8]) {
        appendDigits(UInt64(value), minimumDigits: minimumDigits, to: &buffer)
    }

    /// Appends `value` in decimal, left-padded with zeros to `minimumDigits`.
    private static func appendDigits(_ value: UInt64, minimumDigits: Int, to buffer: inout [UInt8]) {
        var length = 1
        var rest = value / 10
        while rest > 0 {
            length += 1
            rest /= 10
        }
        length = max(length, minimumDigits)
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: length))
        var remaining = value
        var index = start + length - 1
        while remaining > 0 {
            buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
            index -= 1
        }
    }
}
