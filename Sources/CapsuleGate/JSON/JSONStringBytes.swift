/// Byte-level building blocks that let ``JSONScanner`` cross the contents of a string quickly.
///
/// A JSON string is mostly bytes that need no attention at all: printable ASCII other than `"` and `\`. The
/// scanner looks at eight of them at once with ``stopMask(_:)`` and jumps straight to the first byte that does
/// need attention; runs of non-ASCII characters are checked one sequence after another with
/// ``utf8SequenceLength(_:count:at:)``, which accepts exactly the well-formed UTF-8 of RFC 3629.
enum JSONStringBytes {
    /// `0x01` in every byte.
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    /// `0x80` in every byte: each byte's high bit.
    private static let highs: UInt64 = 0x8080_8080_8080_8080
    /// `"` in every byte.
    private static let quotes: UInt64 = ones &* 0x22
    /// `\` in every byte.
    private static let backslashes: UInt64 = ones &* 0x5C
    /// `0x20` (space, the first byte that may stand raw in a string) in every byte.
    private static let spaces: UInt64 = ones &* 0x20

    /// Loads the eight bytes at `position` as a word whose lowest byte is the one at `position`.
    ///
    /// - Parameters:
    ///   - bytes: The scanned line.
    ///   - position: The first of the eight bytes; `position + 8` must not pass the end of the line.
    /// - Returns: The bytes in little-endian order, whatever the machine's byte order.
    @inline(__always)
    static func word(_ bytes: UnsafePointer<UInt8>, at position: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes).loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// Marks the bytes of `word` that a string scanner must stop at: `"`, `\`, below `0x20`, or `0x80` and above.
    ///
    /// The classic SWAR ("SIMD within a register") test: for a byte `x`, `(x - 1) & ~x` has its high bit set
    /// exactly when `x` is zero, because only zero borrows to `0xFF` from a byte whose high bit was clear. XOR with
    /// `"` (or `\`) turns the byte sought into zero; subtracting `0x20` instead of `1` flags every byte below
    /// `0x20`; `word & 0x80…` flags non-ASCII bytes directly. Doing the subtraction on the whole word at once lets a
    /// borrow leak from a flagged byte into the byte above it, so bytes *above* the lowest flagged one may be
    /// falsely flagged, but the lowest flag is always exact and no byte below it is ever flagged. Callers therefore
    /// only use `mask == 0` (all eight bytes are plain) and `mask.trailingZeroBitCount / 8` (how many plain bytes
    /// come before the first stop).
    ///
    /// - Parameter word: Eight bytes from ``word(_:at:)``, first byte lowest.
    /// - Returns: `0` when all eight bytes are plain ASCII that a string may hold raw; otherwise a mask whose lowest
    ///   set bit is the high bit of the first byte to stop at.
    @inline(__always)
    static func stopMask(_ word: UInt64) -> UInt64 {
        let quote = word ^ quotes
        let backslash = word ^ backslashes
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (word &- spaces) & ~word
        return (isQuote | isBackslash | isControl | word) & highs
    }

    /// The length of the well-formed UTF-8 sequence (RFC 3629) starting at `position`, or `nil`.
    ///
    /// Rejects stray continuation bytes, the never-valid leads `C0`, `C1` and `F5`–`FF`, overlong forms,
    /// UTF-8-encoded surrogates (U+D800–U+DFFF), code points above U+10FFFF and sequences cut off by the end of
    /// the line. An ASCII byte is not a multi-byte sequence and gives `nil` too.
    ///
    /// - Parameters:
    ///   - bytes: The scanned line.
    ///   - count: The line's length.
    ///   - position: The offset of the lead byte, below `count`.
    /// - Returns: 2, 3 or 4, or `nil` when the bytes at `position` are not well-formed UTF-8.
    @inline(__always)
    static func utf8SequenceLength(_ bytes: UnsafePointer<UInt8>, count: Int, at position: Int) -> Int? {
        // `&+` cannot overflow: `position` lies within the line, and a line is far shorter than `Int.max`.
        let lead = bytes[position]
        if lead < 0xE0 {
            // U+0080–U+07FF: C2–DF, then one continuation byte (C0 and C1 would be overlong).
            guard lead >= 0xC2, position &+ 1 < count, bytes[position &+ 1] & 0xC0 == 0x80 else { return nil }
            return 2
        }
        if lead < 0xF0 {
            // U+0800–U+FFFF: E0–EF, then two continuation bytes (checked together as one 16-bit word).
            guard position &+ 2 < count else { return nil }
            let tail = UInt16(
                littleEndian: UnsafeRawPointer(bytes).loadUnaligned(fromByteOffset: position &+ 1, as: UInt16.self)
            )
            guard tail & 0xC0C0 == 0x8080 else { return nil }
            // E0 80–9F would be overlong; ED A0–BF would encode a surrogate (U+D800–U+DFFF).
            let second = UInt8(truncatingIfNeeded: tail)
            guard lead != 0xE0 || second >= 0xA0, lead != 0xED || second < 0xA0 else { return nil }
            return 3
        }
        // U+10000–U+10FFFF: F0–F4, then three continuation bytes (checked together with the lead as one word).
        guard lead <= 0xF4, position &+ 3 < count else { return nil }
        let sequence = UInt32(
            littleEndian: UnsafeRawPointer(bytes).loadUnaligned(fromByteOffset: position, as: UInt32.self)
        )
        guard sequence & 0xC0C0_C000 == 0x8080_8000 else { return nil }
        // F0 80–8F would be overlong; F4 90–BF would lie above U+10FFFF.
        let second = UInt8(truncatingIfNeeded: sequence >> 8)
        guard lead != 0xF0 || second >= 0x90, lead != 0xF4 || second < 0x90 else { return nil }
        return 4
    }
}
