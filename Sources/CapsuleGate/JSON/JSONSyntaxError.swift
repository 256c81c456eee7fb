/// Why a line is not strict RFC 8259 JSON, with the 0-based byte offset where the scanner stopped.
public enum JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ended inside a value (or held nothing but whitespace).
    case unexpectedEnd(offset: Int)
    /// A byte that cannot start or continue a value here.
    case unexpectedCharacter(UInt8, offset: Int)
    /// A byte sequence that is not well-formed UTF-8 (overlong, surrogate, truncated, out of range).
    case invalidUTF8(offset: Int)
    /// A control character (U+0000–U+001F, NUL included) written raw inside a string.
    case controlCharacter(UInt8, offset: Int)
    /// A backslash followed by something other than the nine escapes RFC 8259 allows.
    case invalidEscape(offset: Int)
    /// A `\u` escape naming half of a surrogate pair without its other half.
    case loneSurrogate(UInt16, offset: Int)
    /// A number that does not follow the RFC 8259 grammar (`01`, `1.`, `-`, `1e`).
    case invalidNumber(offset: Int)
    /// Something other than whitespace after the top-level value.
    case trailingCharacters(offset: Int)
    /// Objects and arrays nested deeper than ``JSONScanner/maximumDepth``.
    case tooDeep(offset: Int)
    /// An object member that does not start with a string key.
    case expectedKey(offset: Int)
    /// An object key not followed by `:`.
    case expectedColon(offset: Int)
    /// A value inside a container not followed by `,` or the container's closing bracket.
    case expectedSeparator(closing: UInt8, offset: Int)

    /// The 0-based byte offset into the line where the problem was found.
    public var offset: Int {
        switch self {
        case .unexpectedEnd(let offset), .unexpectedCharacter(_, let offset), .invalidUTF8(let offset),
            .controlCharacter(_, let offset), .invalidEscape(let offset), .loneSurrogate(_, let offset),
            .invalidNumber(let offset), .trailingCharacters(let offset), .tooDeep(let offset),
            .expectedKey(let offset), .expectedColon(let offset), .expectedSeparator(_, let offset):
            offset
        }
    }

    /// `invalid UTF-8 at byte N`, or `invalid JSON at byte N: reason`.
    public var description: String {
        switch self {
        case .invalidUTF8(let offset):
            return "invalid UTF-8 at byte \(offset)"
        default:
            return "invalid JSON at byte \(offset): \(reason)"
        }
    }

    /// What is wrong, without the offset.
    public var reason: String {
        switch self {
        case .unexpectedEnd:
            "unexpected end of input"
        case .unexpectedCharacter(let byte, _):
            "unexpected \(Self.describe(byte))"
        case .invalidUTF8:
            "invalid UTF-8"
        case .controlCharacter(let byte, _):
            "unescaped control character \(Self.hex(byte)) in string"
        case .invalidEscape:
            "invalid escape sequence in string"
        case .loneSurrogate(let unit, _):
            "lone surrogate '\\u\(Self.hex4(unit))' in string"
        case .invalidNumber:
            "invalid number"
        case .trailingCharacters:
            "unexpected data after the top-level value"
        case .tooDeep:
            "nesting deeper than \(JSONScanner.maximumDepth) levels"
        case .expectedKey:
            "expected a string key"
        case .expectedColon:
            "expected ':' after object key"
        case .expectedSeparator(let closing, _):
            "expected ',' or '\(Character(Unicode.Scalar(closing)))'"
        }
    }

    /// `character 'x'` for printable ASCII, `byte 0xNN` otherwise.
    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return "character '\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte \(hex(byte))"
    }

    /// `0xNN` in lowercase hex.
    private static func hex(_ byte: UInt8) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        return "0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
    }

    /// Four lowercase hex digits.
    private static func hex4(_ unit: UInt16) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        return String([12, 8, 4, 0].map { digits[Int((unit >> UInt16($0)) & 0xF)] })
    }
}
