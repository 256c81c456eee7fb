#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Formats the wall clock as RFC 3339 UTC with milliseconds: `2026-03-03T10:30:00.123Z`.
///
/// Uses `clock_gettime` and `gmtime_r` directly (no Foundation formatter), so a call costs well under a
/// microsecond.
public enum RFC3339Clock {
    /// Now, as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return format(secondsSinceEpoch: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec) / 1_000_000)
    }

    /// Formats a moment given as seconds since 1970-01-01T00:00:00Z plus milliseconds.
    ///
    /// - Parameters:
    ///   - secondsSinceEpoch: Whole seconds since the Unix epoch, UTC.
    ///   - milliseconds: 0–999; other values are clamped.
    /// - Returns: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func format(secondsSinceEpoch: Int, milliseconds: Int) -> String {
        var time = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&time, &parts)
        let fields: [(Int, Int)] = [
            (Int(parts.tm_year) + 1900, 4), (Int(parts.tm_mon) + 1, 2), (Int(parts.tm_mday), 2),
            (Int(parts.tm_hour), 2), (Int(parts.tm_min), 2), (Int(parts.tm_sec), 2),
            (min(max(milliseconds, 0), 999), 3),
        ]
        let separators: [UInt8] = [
            UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":"), UInt8(ascii: ":"),
            UInt8(ascii: "."), UInt8(ascii: "Z"),
        ]
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var index = 0
            for (position, (value, width)) in fields.enumerated() {
                var digits = max(width, decimalDigits(value))
                var remaining = max(value, 0)
                let start = index
                while digits > 0 {
                    digits -= 1
                    buffer[start + digits] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                    index += 1
                }
                buffer[index] = separators[position]
                index += 1
            }
            return index
        }
    }

    /// How many decimal digits `value` has.
    private static func decimalDigits(_ value: Int) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits
    }
}
