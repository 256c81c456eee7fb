import Foundation
import Testing

@testable import CapsuleGate

@Suite struct HostileInputTests {
    @Test func rejectsDeepNestingWithoutRecursing() {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(
            CoreFixtures.failureText(CoreFixtures.prepare(bytes: deep))
                == "invalid JSON at byte 512: nesting deeper than 512 levels"
        )
        let objects = Array(String(repeating: #"{"a":"#, count: 100_000).utf8)
        #expect(
            CoreFixtures.failureText(CoreFixtures.prepare(bytes: objects))
                == "invalid JSON at byte 2560: nesting deeper than 512 levels"
        )
    }

    @Test func acceptsExactlyTheMaximumDepth() {
        let inner = String(repeating: "[", count: 511) + String(repeating: "]", count: 511)
        let line = #"{"event_type":"session_start","x":\#(inner)}"#
        #expect(CoreFixtures.prepare(line).didSucceed)
        let tooDeep = #"{"event_type":"session_start","x":[\#(inner)]}"#
        #expect(
            CoreFixtures.failureText(CoreFixtures.prepare(tooDeep))?.hasSuffix("nesting deeper than 512 levels") == true
        )
    }

    @Test func handlesATenMegabyteStringQuickly() throws {
        var line = Array(#"{"event_type":"agent_message","message":{"content":""#.utf8)
        line.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: 10_000_000))
        line.append(contentsOf: Array(#""}}"#.utf8))
        let clock = ContinuousClock()
        let start = clock.now
        let event = try CoreFixtures.prepare(bytes: line).get()
        #expect(clock.now - start < .seconds(2))
        #expect(event.body.count > 10_000_000)
    }

    @Test(
        arguments: [
            ([0x22, 0x00, 0x22], "invalid JSON at byte 15: unescaped control character 0x00 in string"),
            ([0x22, 0x41, 0x09, 0x22], "invalid JSON at byte 16: unescaped control character 0x09 in string"),
            ([0x00], "invalid JSON at byte 14: unexpected byte 0x00"),
        ] as [([UInt8], String)]
    )
    func rejectsRawControlCharacters(value: [UInt8], message: String) {
        let line = Array(#"{"event_type":"#.utf8) + value + [UInt8(ascii: "}")]
        #expect(CoreFixtures.failureText(CoreFixtures.prepare(bytes: line)) == message)
    }

    @Test(
        arguments: [
            ([0xC0, 0xAF], "overlong slash"),
            ([0xE0, 0x80, 0xAF], "overlong three-byte"),
            ([0xF0, 0x80, 0x80, 0xAF], "overlong four-byte"),
            ([0xED, 0xA0, 0x80], "UTF-8-encoded high surrogate"),
            ([0xED, 0xBF, 0xBF], "UTF-8-encoded low surrogate"),
            ([0xE2, 0x82], "truncated three-byte"),
            ([0xF4, 0x90, 0x80, 0x80], "above U+10FFFF"),
            ([0xFF], "never valid"),
            ([0x80], "lone continuation"),
            ([0xC3], "truncated at end of string"),
        ] as [([UInt8], String)]
    )
    func rejectsInvalidUTF8NamingTheOffset(sequence: [UInt8], label: String) {
        let line = Array(#"{"event_type":"a"#.utf8) + sequence + Array(#"b"}"#.utf8)
        #expect(
            CoreFixtures.failureText(CoreFixtures.prepare(bytes: line)) == "invalid UTF-8 at byte 16",
            "\(label)"
        )
    }

    @Test func rejectsInvalidUTF8OutsideStrings() {
        let line = Array(#"{"event_type":"x"}"#.utf8) + [0xFF]
        #expect(CoreFixtures.failureText(CoreFixtures.prepare(bytes: line)) == "invalid UTF-8 at byte 18")
        let valid = Array(#"{"event_type":"x"}"#.utf8) + Array("é".utf8)
        #expect(
            CoreFixtures.failureText(CoreFixtures.prepare(bytes: valid))
                == "invalid JSON at byte 18: unexpected data after the top-level value"
        )
    }

    @Test func acceptsEveryWellFormedUTF8Length() throws {
        let line = "{\"event_type\":\"agent_message\",\"message\":{\"content\":\"a é € 😀 \u{10FFFF}\"}}"
        let prepared = try CoreFixtures.prepare(line).get()
        let event = try CoreFixtures.validate(bytes: prepared.body).get()
        #expect(event.messageContent == "a é € 😀 \u{10FFFF}")
    }

    @Test func rejectsLoneSurrogateEscapesInKeysToo() {
        #expect(
            CoreFixtures.failureText(CoreFixtures.prepare(#"{"\udfff":1}"#))
                == "invalid JSON at byte 2: lone surrogate '\\udfff' in string"
        )
    }

    @Test func rejectsDuplicateKeysInManyMembers() {
        var parts = (0..<40).map { #""k\#($0)":\#($0)"# }
        parts.append(#""k7":"again""#)
        let line = #"{"event_type":"session_start",\#(parts.joined(separator: ","))}"#
        #expect(CoreFixtures.failureText(CoreFixtures.prepare(line)) == "k7: duplicate key")
    }

    @Test func keepsDuplicateKeysDeeperThanTheRecordedObjects() {
        let line = #"{"event_type":"session_start","extra":{"a":1,"a":2},"tool":{"input":{"b":1,"b":2}}}"#
        #expect(CoreFixtures.prepare(line).didSucceed)
    }

    @Test func forwardsHugeNumbersUnchanged() throws {
        let line = #"{"event_type":"session_start","n":1e999,"m":-1E+999,"k":0.000000000000000000001}"#
        let body = try #require(CoreFixtures.bodyText(CoreFixtures.prepare(line)))
        #expect(body.hasPrefix(#"{"event_type":"session_start","n":1e999,"m":-1E+999,"k":0.000000000000000000001,"#))
    }

    @Test(arguments: [
        (#"{"event_type":"session_start"} {}"#, "invalid JSON at byte 31: unexpected data after the top-level value"),
        (#"{"event_type":"session_start"}}"#, "invalid JSON at byte 30: unexpected data after the top-level value"),
        ("", "invalid JSON at byte 0: unexpected end of input"),
        ("\t ", "invalid JSON at byte 2: unexpected end of input"),
        ("null", "expected a JSON object"),
        ("\u{FEFF}{}", "invalid JSON at byte 0: unexpected byte 0xef"),
    ])
    func rejectsTrailingGarbageAndEmptyLines(line: String, message: String) {
        #expect(CoreFixtures.failureText(CoreFixtures.prepare(line)) == message)
    }

    @Test func neverCrashesOnRandomMutationsOfAValidEvent() {
        var generator = CoreTestRandom(seed: 0x5EED)
        let seed = Array(CoreFixtures.toolInvocation.utf8)
        let interesting: [UInt8] = [0x00, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x80, 0xC3, 0xED, 0xFF]
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = interesting.randomElement(using: &generator) ?? 0
                case 1: bytes.remove(at: position)
                default: bytes.insert(interesting.randomElement(using: &generator) ?? 0, at: position)
                }
            }
            let prepared = CoreFixtures.prepare(bytes: bytes)
            let validated = CoreFixtures.validate(bytes: bytes)
            if case .success(let event) = prepared {
                #expect(CoreFixtures.validate(bytes: event.body).didSucceed)
                #expect(CoreFixtures.parse(event.body) != nil)
            }
            if case .success = validated {
                #expect(CoreFixtures.parse(bytes) != nil, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }
}

/// A small seeded generator so mutation tests are reproducible.
struct CoreTestRandom: RandomNumberGenerator {
    /// The state.
    private var state: UInt64

    /// Creates a generator from `seed`.
    init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
