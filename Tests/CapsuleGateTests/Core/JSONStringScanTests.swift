import Testing

@testable import CapsuleGate

/// Differential tests: the word-at-a-time string scanning in ``JSONScanner`` against the byte-by-byte logic it
/// replaced, which is kept below as ``ByteByByteStringScanner``.
///
/// Every input is scanned by both and the outcomes (accepted or rejected, error kind, byte offset, where the
/// string ended, whether it had escapes) must be identical.
@Suite struct JSONStringScanTests {
    /// Bytes chosen to probe every class the scanner distinguishes, and the edges between them.
    private static let edgeBytes: [UInt8] = [
        0x00, 0x01, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x2F, 0x5B, 0x5C, 0x5D, 0x61, 0x75, 0x7E, 0x7F,
        0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
    ]

    @Test func everyByteAtEveryPositionAroundWordBoundaries() {
        var compared = 0
        for byte in UInt8.min...UInt8.max {
            for before in 0..<18 {
                for after in [0, 1, 6, 7, 8, 9, 15] {
                    for closed in [true, false] {
                        let body =
                            [UInt8](repeating: 0x61, count: before) + [byte]
                            + [UInt8](repeating: 0x62, count: after)
                        for indent in [0, 3] {
                            Self.expectSameTopLevel(
                                [UInt8](repeating: 0x20, count: indent) + [0x22] + body + (closed ? [0x22] : [])
                            )
                            compared += 1
                        }
                    }
                }
            }
        }
        #expect(compared == 256 * 18 * 7 * 2 * 2)
    }

    @Test func everyTwoByteSequenceStraddlingAWordBoundary() {
        for lead in UInt8(0x80)...UInt8.max {
            for second in UInt8.min...UInt8.max {
                for before in [5, 6, 7, 14] {
                    let body = [UInt8](repeating: 0x61, count: before) + [lead, second]
                    Self.expectSameTopLevel([0x22] + body + Array("xyz\"".utf8))
                    Self.expectSameTopLevel([0x22] + body)
                }
            }
        }
    }

    @Test func utf8LengthMatchesTheRangeTableForEveryLeadAndSecondByte() {
        let tails: [UInt8] = [0x00, 0x3F, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        var accepted = [0, 0, 0, 0, 0]
        var mismatches: [[UInt8]] = []
        for lead in UInt8.min...UInt8.max {
            for second in UInt8.min...UInt8.max {
                for third in lead < 0xE0 ? [0x80] : tails {
                    for fourth in lead < 0xF0 ? [0x80] : tails {
                        let sequence = [lead, second, third, fourth]
                        sequence.withUnsafeBufferPointer { buffer in
                            guard let base = buffer.baseAddress else { return }
                            for count in 1...4 {
                                let new = JSONStringBytes.utf8SequenceLength(base, count: count, at: 0)
                                let old = ByteByByteStringScanner(bytes: base, count: count).utf8SequenceLength(at: 0)
                                if new != old { mismatches.append(Array(sequence.prefix(count))) }
                                if let new, count == 4 { accepted[new] += 1 }
                            }
                        }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
        // Six of the eleven tails are continuation bytes. 2-byte: 30 leads × 64 seconds; 3-byte: 16 leads × 64
        // seconds less 32 overlong (E0) and 32 surrogate (ED); 4-byte: F1–F3 take 64 seconds each, F0 48, F4 16.
        #expect(accepted[2] == 30 * 64)
        #expect(accepted[3] == (16 * 64 - 64) * 6)
        #expect(accepted[4] == (3 * 64 + 48 + 16) * 6 * 6)
    }

    @Test func stopMaskFindsTheFirstByteToStopAtInEveryWord() {
        var random = SplitMix64(seed: 0x5CA9_FA57)
        for round in 0..<200_000 {
            var word: UInt64
            if round < 256 * 8 {
                // One special byte in a word of plain letters, at every position.
                let position = round / 256
                word =
                    (0x6161_6161_6161_6161 & ~(UInt64(0xFF) << (8 * position)))
                    | UInt64(round % 256) << (8 * position)
            } else {
                word = 0
                for position in 0..<8 {
                    let byte = Self.edgeBytes[Int(random.next() % UInt64(Self.edgeBytes.count))]
                    word |= UInt64(random.next() % 4 == 0 ? byte : 0x41) << (8 * position)
                }
            }
            let firstStop = (0..<8).first { position in
                let byte = UInt8(truncatingIfNeeded: word >> (8 * position))
                return byte == 0x22 || byte == 0x5C || byte < 0x20 || byte >= 0x80
            }
            let mask = JSONStringBytes.stopMask(word)
            if let firstStop {
                #expect(mask.trailingZeroBitCount == 8 * firstStop + 7, "word \(String(word, radix: 16))")
            } else {
                #expect(mask == 0, "word \(String(word, radix: 16))")
            }
        }
    }

    @Test func escapesAtEveryOffsetAndCutOffAtEveryLength() {
        let escapes = [
            #"\n"#, #"\""#, #"\\"#, #"\/"#, #"\b"#, #"\f"#, #"\r"#, #"\t"#, #"\u00e9"#, #"\u00E9"#, #"\uD83D\uDE00"#,
            #"\uD83D"#, #"\uDE00"#, #"\uD83Dx"#, #"\uD83D\n"#, #"\uD83D\u0041"#, #"\u12G4"#, #"\x"#, #"\'"#, #"\u"#,
            #"\"#, "\\\u{7F}", "\\\u{E9}",
        ]
        for escape in escapes {
            let escapeBytes = Array(escape.utf8)
            for before in 0..<17 {
                let body = [UInt8](repeating: 0x61, count: before) + escapeBytes
                for cut in 0...body.count {
                    Self.expectSameTopLevel([0x22] + body.prefix(cut))
                }
                Self.expectSameTopLevel([0x22] + body + Array("tail\"".utf8))
                Self.expectSameMember(body)
            }
        }
    }

    @Test func randomStringsMatchTheByteByByteScanner() {
        var random = SplitMix64(seed: 20_260_303)
        let pieces: [[UInt8]] = [
            Array("plain ascii words ".utf8), Array("x".utf8), Array("é".utf8), Array("Ω".utf8), Array("日本語".utf8),
            Array("🙂".utf8), Array("данные ".utf8), Array(#"\n"#.utf8), Array(#"\""#.utf8), Array(#"\\"#.utf8),
            Array(#"\u00e9"#.utf8), Array(#"\uD83D\uDE80"#.utf8), [0x22], [0x5C], [0x00], [0x1F], [0x7F], [0x80],
            [0xC0, 0xAF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F], [0xFF],
            [0xE2, 0x82], [0xC3], Array("\t".utf8),
        ]
        for round in 0..<30_000 {
            var body: [UInt8] = []
            let pieceCount = Int(random.next() % 24)
            for _ in 0..<pieceCount {
                let rare = random.next() % 8 == 0
                let index = rare ? Int(random.next() % UInt64(pieces.count)) : Int(random.next() % 8)
                body += pieces[index]
            }
            if round % 2 == 0 {
                Self.expectSameTopLevel([0x22] + body + [0x22] + (round % 4 == 0 ? Array(" \n".utf8) : []))
            } else {
                Self.expectSameTopLevel([0x22] + body)
            }
            Self.expectSameMember(body.filter { $0 != 0x22 })
        }
    }

    @Test func longRealisticStringsMatchAndRecordTheirEnd() {
        let text = Array(
            "backup tracking 사용자 Straße schema shipment ✅ line\\nbreak quarterly ≤ テスト tab\\there ∑ 🚀 a \\\"quoted\\\" "
                .utf8
        )
        for repeats in [1, 2, 7, 40] {
            for shift in 0..<9 {
                let body =
                    [UInt8](repeating: 0x20, count: shift) + Array([[UInt8]](repeating: text, count: repeats).joined())
                Self.expectSameTopLevel([0x22] + body + [0x22])
                Self.expectSameMember(body)
                var broken = body
                broken[broken.count / 2] = 0xC0
                Self.expectSameTopLevel([0x22] + broken + [0x22])
            }
        }
    }

    /// Scans `line` (a top-level string, maybe followed by more bytes) both ways and expects the same outcome.
    private static func expectSameTopLevel(_ line: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let new: Result<Int, JSONSyntaxError> = line.withUnsafeBytes { JSONScanner.scan($0).map(\.rootEnd) }
        let old = line.withUnsafeBufferPointer { buffer -> Result<Int, JSONSyntaxError> in
            guard let base = buffer.baseAddress else { return .failure(.unexpectedEnd(offset: 0)) }
            var scanner = ByteByByteStringScanner(bytes: base, count: buffer.count)
            return scanner.scanTopLevelString()
        }
        #expect(new == old, "line \(line)", sourceLocation: sourceLocation)
    }

    /// Scans `body` as a member's value and as a key, expecting the same error, or the same end and escape flag.
    private static func expectSameMember(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let valueLine = Array(#"{"k":""#.utf8) + body + Array(#""}"#.utf8)
        let keyLine = Array(#"{""#.utf8) + body + Array(#"":1}"#.utf8)
        for (line, start, isKey) in [(valueLine, 5, false), (keyLine, 1, true)] {
            let old = line.withUnsafeBufferPointer { buffer -> Result<ByteByByteStringScanner.End, JSONSyntaxError> in
                guard let base = buffer.baseAddress else { return .failure(.unexpectedEnd(offset: 0)) }
                var scanner = ByteByByteStringScanner(bytes: base, count: buffer.count)
                scanner.index = start
                return scanner.scanString()
            }
            let new = line.withUnsafeBytes { JSONScanner.scan($0) }
            switch (old, new) {
            case (.failure(let oldError), _):
                #expect(new.map { _ in 0 } == .failure(oldError), "line \(line)", sourceLocation: sourceLocation)
            case (.success(let end), .success(let scan)) where end.index == start + body.count + 2:
                let member = scan.members.first
                #expect(
                    (isKey ? member?.keyEnd : member?.valueEnd) == end.index,
                    "line \(line)",
                    sourceLocation: sourceLocation
                )
                #expect(
                    (isKey ? member?.keyHasEscapes : member?.valueHasEscapes) == end.escaped,
                    "line \(line)",
                    sourceLocation: sourceLocation
                )
            case (.success(let end), _) where end.index == start + body.count + 2:
                Issue.record("the byte-by-byte scanner accepts \(line), the scanner says \(new)")
            default:
                // The string closed early (an escaped-looking quote); what follows is not string scanning.
                break
            }
        }
    }
}

/// The string scanning ``JSONScanner`` did before it went word by word: one byte per step, kept as the reference.
private struct ByteByByteStringScanner {
    /// Where a string ended and whether it had escapes.
    struct End: Equatable {
        /// Just past the closing quote.
        var index: Int
        /// Whether a backslash escape occurred.
        var escaped: Bool
    }

    /// The line's first byte.
    let bytes: UnsafePointer<UInt8>
    /// The line's length.
    let count: Int
    /// The cursor.
    var index = 0

    init(bytes: UnsafePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    /// What the whole scanner gives for a line holding one top-level string: its end, or the first error.
    mutating func scanTopLevelString() -> Result<Int, JSONSyntaxError> {
        while index < count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        guard index < count else { return .failure(.unexpectedEnd(offset: index)) }
        guard bytes[index] == 0x22 else { return .failure(.unexpectedCharacter(bytes[index], offset: index)) }
        switch scanString() {
        case .failure(let error):
            return .failure(error)
        case .success(let end):
            index = end.index
            while index < count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
            guard index == count else {
                if bytes[index] >= 0x80 && utf8SequenceLength(at: index) == nil {
                    return .failure(.invalidUTF8(offset: index))
                }
                return .failure(.trailingCharacters(offset: index))
            }
            return .success(end.index)
        }
    }

    /// Scans a string whose opening quote is at `index`, one byte at a time.
    mutating func scanString() -> Result<End, JSONSyntaxError> {
        index += 1
        var escaped = false
        while true {
            guard index < count else { return .failure(.unexpectedEnd(offset: index)) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return .success(End(index: index, escaped: escaped))
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                if let error = scanEscape() { return .failure(error) }
            } else if byte < 0x20 {
                return .failure(.controlCharacter(byte, offset: index))
            } else if byte < 0x80 {
                index += 1
            } else {
                guard let length = utf8SequenceLength(at: index) else { return .failure(.invalidUTF8(offset: index)) }
                index += length
            }
        }
    }

    /// Scans one escape whose backslash is at `index`, pairing `\u` surrogates.
    private mutating func scanEscape() -> JSONSyntaxError? {
        let start = index
        guard index + 1 < count else { return .unexpectedEnd(offset: count) }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            let unit: UInt16
            switch hexUnit(at: index + 2, escapeStart: start) {
            case .failure(let error): return error
            case .success(let value): unit = value
            }
            index += 6
            if unit >= 0xDC00 && unit <= 0xDFFF { return .loneSurrogate(unit, offset: start) }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard index + 1 < count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { return .loneSurrogate(unit, offset: start) }
                switch hexUnit(at: index + 2, escapeStart: index) {
                case .failure(let error):
                    return error
                case .success(let low):
                    guard low >= 0xDC00 && low <= 0xDFFF else { return .loneSurrogate(unit, offset: start) }
                }
                index += 6
            }
        default:
            return .invalidEscape(offset: start)
        }
        return nil
    }

    /// Reads the four hex digits of a `\u` escape.
    private func hexUnit(at position: Int, escapeStart: Int) -> Result<UInt16, JSONSyntaxError> {
        guard position + 4 <= count else { return .failure(.unexpectedEnd(offset: count)) }
        var unit: UInt16 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return .failure(.invalidEscape(offset: escapeStart))
            }
            unit = unit << 4 | UInt16(digit)
        }
        return .success(unit)
    }

    /// The length of the well-formed UTF-8 sequence (RFC 3629) starting at `position`, or `nil`: the range table.
    func utf8SequenceLength(at position: Int) -> Int? {
        let lead = bytes[position]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF:
            length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3:
            length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default:
            return nil
        }
        guard position + length <= count else { return nil }
        let second = bytes[position + 1]
        guard second >= low && second <= high else { return nil }
        for offset in 2..<length where bytes[position + offset] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }
}
