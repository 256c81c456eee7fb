/// Random (version 4) UUIDs as lowercase text, drawn from `SystemRandomNumberGenerator` (the system's CSPRNG).
public enum UUIDv4 {
    /// A fresh random UUID such as `3f2b8c1e-9a4d-4e7f-b2c6-0d1e2f3a4b5c`.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A random UUID drawn from `generator` (tests pass a seeded one).
    ///
    /// - Parameter generator: The source of the 122 random bits.
    /// - Returns: 36 lowercase characters, version 4, RFC 4122 variant.
    public static func random(using generator: inout some RandomNumberGenerator) -> String {
        var high = generator.next()
        var low = generator.next()
        high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    buffer[index] = UInt8(ascii: "-")
                    index += 1
                }
                let word = nibble < 16 ? high : low
                let shift = UInt64(60 - 4 * (nibble % 16))
                buffer[index] = hex.utf8Start[Int((word >> shift) & 0xF)]
                index += 1
            }
            return index
        }
    }
}
