/// Checks RFC 3339 `date-time` text: `2026-03-03T10:30:00Z`, with optional fractions and `±HH:MM` offsets.
///
/// The grammar is RFC 3339 section 5.6 (`T`/`Z` in either case), and every field is range-checked: month 01–12,
/// day within its month (leap years included), hour 00–23, minute 00–59, second 00–60 (a leap second), offset
/// hour 00–23 and minute 00–59.
enum RFC3339DateTime {
    /// Whether `text` is an RFC 3339 date-time.
    static func isValid(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { isValid(UnsafeRawBufferPointer($0)) }
    }

    /// Whether the UTF-8 bytes `text` are an RFC 3339 date-time.
    static func isValid(_ text: UnsafeRawBufferPointer) -> Bool {
        let count = text.count
        guard count >= 20 else { return false }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for index in start..<(start + length) {
                let byte = text[index]
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), text[4] == UInt8(ascii: "-"), let month = number(5, 2),
            text[7] == UInt8(ascii: "-"), let day = number(8, 2),
            text[10] == UInt8(ascii: "T") || text[10] == UInt8(ascii: "t"),
            let hour = number(11, 2), text[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            text[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { return false }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour <= 23, minute <= 59,
            second <= 60
        else { return false }
        var index = 19
        if text[index] == UInt8(ascii: ".") {
            index += 1
            let digitsStart = index
            while index < count && text[index] >= UInt8(ascii: "0") && text[index] <= UInt8(ascii: "9") {
                index += 1
            }
            guard index > digitsStart else { return false }
        }
        guard index < count else { return false }
        switch text[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return index + 1 == count
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == count, let offsetHour = number(index + 1, 2), text[index + 3] == UInt8(ascii: ":"),
                let offsetMinute = number(index + 4, 2)
            else { return false }
            return offsetHour <= 23 && offsetMinute <= 59
        default:
            return false
        }
    }

    /// The number of days in `month` of `year` (proleptic Gregorian).
    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
