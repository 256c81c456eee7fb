/// Small byte-level JSON writers for the mock's answers and record lines (no Foundation on the hot path).
public enum JSONText {
    /// Appends `text` as a quoted JSON string, escaping quotes, backslashes and control characters.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: output.append(contentsOf: [0x5C, 0x72])
            case 0x09: output.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: output.append(byte)
            }
        }
        output.append(0x22)
    }

    /// Appends valid JSON text `json` with the whitespace between tokens removed, so it fits on one line.
    public static func appendCompacted(_ json: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        var isInString = false
        var isEscaped = false
        output.reserveCapacity(output.count + json.count)
        for byte in json {
            if isInString {
                output.append(byte)
                if isEscaped {
                    isEscaped = false
                } else if byte == 0x5C {
                    isEscaped = true
                } else if byte == 0x22 {
                    isInString = false
                }
            } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                continue
            } else {
                if byte == 0x22 { isInString = true }
                output.append(byte)
            }
        }
    }

    /// `{"error":MESSAGE}` as bytes.
    public static func errorBody(_ message: String) -> [UInt8] {
        var body: [UInt8] = Array(#"{"error":"#.utf8)
        appendString(message, to: &body)
        body.append(0x7D)
        return body
    }
}
