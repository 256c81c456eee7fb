import Foundation
import Testing

@testable import CapsuleGate

@Suite struct JSONWriterTests {
    private func text(_ build: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        build(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote \" back \\ slash /", #""quote \" back \\ slash /""#),
        ("\n\r\t\u{08}\u{0C}", #""\n\r\t\b\f""#),
        ("\u{00}\u{01}\u{1F}\u{7F}", #""\u0000\u0001\u001f\#u{7F}""#),
        ("é 😀 \u{2028}", "\"é 😀 \u{2028}\""),
        ("", #""""#),
    ])
    func escapesStringsPerRFC8259(input: String, expected: String) throws {
        let written = text { $0.appendString(input) }
        #expect(written == expected)
        let decoded = try JSONSerialization.jsonObject(with: Data(written.utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == input)
    }

    @Test func placesCommasAndColons() {
        let written = text { writer in
            writer.beginObject()
            writer.appendKey("error")
            writer.appendString("x")
            writer.appendKey("field")
            writer.appendNull()
            writer.appendKey("list")
            writer.beginArray()
            writer.appendInt(-3)
            writer.appendBool(true)
            writer.beginObject()
            writer.endObject()
            writer.appendDouble(0.5)
            writer.appendDouble(.nan)
            writer.appendRawValue(Array(#"{"a":[1]}"#.utf8))
            writer.endArray()
            writer.appendKey("ms")
            writer.appendDecimal(1.23456, fractionDigits: 3)
            writer.endObject()
        }
        #expect(written == #"{"error":"x","field":null,"list":[-3,true,{},0.5,null,{"a":[1]}],"ms":1.235}"#)
    }

    @Test(arguments: [
        (4.2, "4.2"), (12, "12.0"), (0.0004, "0.0"), (0.0005, "0.001"), (1e-9, "0.0"), (123456.78949, "123456.789"),
        (1e300, "999999999999999.0"), (-2.5, "-2.5"), (10.1, "10.1"), (0.1 + 0.2, "0.3"),
    ])
    func writesDecimalsWithoutExponents(value: Double, expected: String) {
        var bytes: [UInt8] = []
        JSONWriter.appendDecimal(value, fractionDigits: 3, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test(arguments: [0, 7, -1, Int.max, Int.min, 1_000_000])
    func writesIntegers(value: Int) {
        var bytes: [UInt8] = []
        JSONWriter.appendInt(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == String(value))
    }
}

@Suite struct DecisionLineTests {
    private func encoded(_ line: DecisionLine) -> String {
        var buffer: [UInt8] = Array("previous\n".utf8)
        line.encode(into: &buffer)
        return String(decoding: buffer.dropFirst(9), as: UTF8.self)
    }

    @Test func writesEveryKeyInContractOrder() {
        let line = DecisionLine(
            line: 3,
            eventType: "tool_invocation",
            correlationID: "c-1",
            sessionID: "s-1",
            action: .block,
            source: .capsule,
            reason: "Policy violation: \"users\"",
            status: 200,
            latencyMs: 4.2
        )
        #expect(
            encoded(line)
                == #"{"line":3,"event_type":"tool_invocation","correlation_id":"c-1","session_id":"s-1","#
                + #""action":"block","source":"capsule","reason":"Policy violation: \"users\"","status":200,"#
                + #""latency_ms":4.2}"# + "\n"
        )
    }

    @Test func leavesOutAbsentKeys() {
        let line = DecisionLine(line: 1, action: .error, source: .invalid, reason: "invalid UTF-8 at byte 5")
        #expect(
            encoded(line) == #"{"line":1,"action":"error","source":"invalid","reason":"invalid UTF-8 at byte 5"}"#
                + "\n"
        )
        let accepted = DecisionLine(line: 2, eventType: "tool_result", action: .accepted, source: .queued)
        #expect(
            encoded(accepted) == #"{"line":2,"event_type":"tool_result","action":"accepted","source":"queued"}"# + "\n"
        )
    }

    @Test(arguments: [
        (0.000_01, "0.0"), (0.0012345, "0.001"), (1_234_567.8915, "1234567.892"), (-3, "0.0"), (.infinity, "0.0"),
        (.nan, "0.0"),
    ])
    func roundsLatencyToThreeDecimals(latency: Double, expected: String) {
        let line = DecisionLine(line: 1, action: .allow, source: .failOpen, latencyMs: latency)
        #expect(encoded(line) == #"{"line":1,"action":"allow","source":"fail_open","latency_ms":\#(expected)}"# + "\n")
    }

    @Test func escapesControlCharactersInEchoedFields() throws {
        let line = DecisionLine(
            line: 9,
            eventType: "bad\u{0}type\n",
            correlationID: "é",
            action: .error,
            source: .invalid,
            reason: "tab\there"
        )
        let text = encoded(line)
        #expect(text.contains(#""event_type":"bad\u0000type\n""#))
        let object = try #require(CoreFixtures.parse(Array(text.utf8)) as? NSDictionary)
        #expect(object["event_type"] as? String == "bad\u{0}type\n")
        #expect(object["reason"] as? String == "tab\there")
    }
}

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2026-03-03T10:30:00Z", true), ("2026-03-03t10:30:00z", true), ("2026-03-03T10:30:00.123456Z", true),
        ("2026-03-03T10:30:00+05:30", true), ("2026-03-03T10:30:00.5-23:59", true), ("2024-02-29T00:00:00Z", true),
        ("2000-02-29T00:00:00Z", true), ("2016-12-31T23:59:60Z", true), ("0000-01-01T00:00:00Z", true),
        ("1900-02-29T00:00:00Z", false), ("2026-02-29T00:00:00Z", false), ("2026-04-31T00:00:00Z", false),
        ("2026-13-01T00:00:00Z", false), ("2026-00-01T00:00:00Z", false), ("2026-03-00T00:00:00Z", false),
        ("2026-03-03T24:00:00Z", false), ("2026-03-03T10:60:00Z", false), ("2026-03-03T10:30:61Z", false),
        ("2026-03-03T10:30:00", false), ("2026-03-03T10:30:00.Z", false), ("2026-03-03T10:30:00+24:00", false),
        ("2026-03-03T10:30:00+05:60", false), ("2026-03-03T10:30:00+0530", false), ("2026-03-03 10:30:00Z", false),
        ("2026-3-03T10:30:00Z", false), ("2026-03-03T10:30:00ZZ", false), ("", false), ("2026-03-03", false),
        ("２026-03-03T10:30:00Z", false),
    ])
    func checksGrammarAndRanges(text: String, valid: Bool) {
        #expect(RFC3339DateTime.isValid(text) == valid)
    }

    @Test func formatsMillisecondsInUTC() {
        #expect(RFC3339Clock.format(secondsSinceEpoch: 0, milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339Clock.format(secondsSinceEpoch: 1_772_533_800, milliseconds: 7) == "2026-03-03T10:30:00.007Z")
        #expect(RFC3339Clock.format(secondsSinceEpoch: 951_782_400, milliseconds: 999) == "2000-02-29T00:00:00.999Z")
    }

    @Test func nowIsValidAndCurrent() throws {
        let now = RFC3339Clock.now()
        #expect(now.count == 24)
        #expect(RFC3339DateTime.isValid(now))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: now))
        #expect(abs(date.timeIntervalSinceNow) < 5)
    }

    @Test func uuidsAreVersion4() {
        var generator = CoreTestRandom(seed: 1)
        let first = UUIDv4.random(using: &generator)
        let second = UUIDv4.random(using: &generator)
        #expect(first != second)
        for uuid in [first, second, UUIDv4.random()] {
            #expect(uuid.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        }
    }
}
