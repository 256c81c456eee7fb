import Testing

@testable import CapsuleGate

@Suite struct EventValidatorTests {
    /// A valid body of each type, built from parts so a case can change one of them.
    private static func body(
        type: String = #""tool_invocation""#,
        session: String? = #""s1""#,
        timestamp: String? = #""2026-03-03T10:30:00Z""#,
        agent: String? = #"{"id":"a1","name":"Agent"}"#,
        user: String? = #"{"email":"u@example.com"}"#,
        extra: String = #","tool":{"name":"t","input":{}}"#
    ) -> String {
        var parts = [#""event_type":\#(type)"#]
        if let session { parts.append(#""session_id":\#(session)"#) }
        if let timestamp { parts.append(#""timestamp":\#(timestamp)"#) }
        if let agent { parts.append(#""agent":\#(agent)"#) }
        if let user { parts.append(#""user":\#(user)"#) }
        return "{" + parts.joined(separator: ",") + extra + "}"
    }

    @Test(arguments: [
        ("tool_invocation", #","tool":{"name":"t","input":{"q":1}}"#),
        ("tool_invocation", #","tool":{"name":"t"}"#),
        ("user_message", #","message":{"content":"hi"}"#),
        ("tool_result", #","tool":{"name":"t","output":null}"#),
        ("agent_message", #","message":{"content":""}"#),
        ("session_start", ""),
        ("session_end", #","tool":5,"message":"x","extra":[1,2,{"a":null}]"#),
    ])
    func acceptsEveryEventType(type: String, extra: String) throws {
        let event = try CoreFixtures.validate(Self.body(type: "\"\(type)\"", extra: extra)).get()
        #expect(event.eventType.rawValue == type)
        #expect(event.sessionID == "s1")
    }

    @Test(arguments: [
        (body(type: #""tool_call""#), "event_type", EventValidator.eventTypeMessage),
        (body(type: "1"), "event_type", EventValidator.eventTypeMessage),
        (#"{"session_id":"s"}"#, "event_type", EventValidator.eventTypeMessage),
        (body(session: nil), "session_id", "expected a non-empty string"),
        (body(session: #""""#), "session_id", "expected a non-empty string"),
        (body(session: "42"), "session_id", "expected a non-empty string"),
        (body(timestamp: nil), "timestamp", EventValidator.timestampMessage),
        (body(timestamp: #""2026-03-03 10:30:00Z""#), "timestamp", EventValidator.timestampMessage),
        (body(timestamp: #""2026-02-29T10:30:00Z""#), "timestamp", EventValidator.timestampMessage),
        (body(timestamp: #""2026-03-03T24:00:00Z""#), "timestamp", EventValidator.timestampMessage),
        (body(timestamp: "1772533800"), "timestamp", EventValidator.timestampMessage),
        (body(agent: nil), "agent.id", "expected a non-empty string"),
        (body(agent: #""a1""#), "agent", "expected an object"),
        (body(agent: #"{"name":"n"}"#), "agent.id", "expected a non-empty string"),
        (body(agent: #"{"id":""}"#), "agent.id", "expected a non-empty string"),
        (body(agent: #"{"id":7}"#), "agent.id", "expected a non-empty string"),
        (body(agent: #"{"id":"a","name":null}"#), "agent.name", "expected a string"),
        (body(user: "[]"), "user", "expected an object"),
        (body(user: #"{"email":false}"#), "user.email", "expected a string"),
        (body(extra: ""), "tool.name", "expected a non-empty string"),
        (body(extra: #","tool":"t""#), "tool", "expected an object"),
        (body(extra: #","tool":{"input":{}}"#), "tool.name", "expected a non-empty string"),
        (body(extra: #","tool":{"name":""}"#), "tool.name", "expected a non-empty string"),
        (body(extra: #","tool":{"name":["t"]}"#), "tool.name", "expected a non-empty string"),
        (body(type: #""tool_result""#, extra: ""), "tool.name", "required field is missing"),
        (body(type: #""tool_result""#, extra: #","tool":{"name":"t"}"#), "tool.output", "required field is missing"),
        (body(type: #""tool_result""#, extra: #","tool":{"output":1}"#), "tool.name", "required field is missing"),
        (body(type: #""user_message""#, extra: ""), "message.content", "expected a string"),
        (body(type: #""user_message""#, extra: #","message":"hi""#), "message", "expected an object"),
        (body(type: #""agent_message""#, extra: #","message":{"content":1}"#), "message.content", "expected a string"),
        (body(extra: #","tool":{"name":"t","name":"u"}"#), "tool.name", "duplicate key"),
        (body(extra: #","event_type":"tool_invocation","tool":{"name":"t"}"#), "event_type", "duplicate key"),
        (body(extra: #","x":1,"x":2,"tool":{"name":"t"}"#), "x", "duplicate key"),
        (body(agent: #"{"id":"a","i\u0064":"b"}"#), "agent.id", "duplicate key"),
        (body(user: #"{"e":1,"e":2}"#), "user.e", "duplicate key"),
    ])
    func rejectsEachRuleNamingTheField(body: String, field: String, message: String) {
        guard case .failure(let failure) = CoreFixtures.validate(body) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(failure.field == field)
        #expect(failure.message == message)
        #expect(failure.description == "\(field): \(message)")
    }

    @Test(arguments: [
        ("[1,2]", "expected a JSON object"),
        (#""text""#, "expected a JSON object"),
        ("", "invalid JSON at byte 0: unexpected end of input"),
        ("   ", "invalid JSON at byte 3: unexpected end of input"),
        (#"{"a":1} x"#, "invalid JSON at byte 8: unexpected data after the top-level value"),
        (#"{"a":01}"#, "invalid JSON at byte 6: expected ',' or '}'"),
        (#"{"a":1,}"#, "invalid JSON at byte 7: expected a string key"),
        (#"{"a" 1}"#, "invalid JSON at byte 5: expected ':' after object key"),
        (#"{"a":tru}"#, "invalid JSON at byte 8: unexpected character '}'"),
        (#"{"a":"\x"}"#, "invalid JSON at byte 6: invalid escape sequence in string"),
        (#"{"a":"\ud800"}"#, "invalid JSON at byte 6: lone surrogate '\\ud800' in string"),
        (#"{"a":"\udc00\ud800"}"#, "invalid JSON at byte 6: lone surrogate '\\udc00' in string"),
        (#"{"a":"\ud800\u0041"}"#, "invalid JSON at byte 6: lone surrogate '\\ud800' in string"),
        (#"{"a":-}"#, "invalid JSON at byte 5: invalid number"),
        (#"{"a":1.}"#, "invalid JSON at byte 5: invalid number"),
        (#"{"a":1e}"#, "invalid JSON at byte 5: invalid number"),
        (#"{"a":[1,2}"#, "invalid JSON at byte 9: expected ',' or ']'"),
        (#"{"a":"x"#, "invalid JSON at byte 7: unexpected end of input"),
        ("{'a':1}", "invalid JSON at byte 1: expected a string key"),
        (#"{"a":NaN}"#, "invalid JSON at byte 5: unexpected character 'N'"),
    ])
    func reportsSyntaxErrorsWithoutAField(line: String, message: String) {
        guard case .failure(let failure) = CoreFixtures.validate(line) else {
            Issue.record("accepted \(line)")
            return
        }
        #expect(failure.field == nil)
        #expect(failure.message == message)
    }

    @Test func collectsToolInputStringValuesInDocumentOrder() throws {
        let body = Self.body(
            extra: #","tool":{"name":"sh","input":{"cmd":"rm -rf /","args":["-x",{"k":"deep \"q\" \u00e9"}],"n":3}}"#
        )
        let event = try CoreFixtures.validate(body).get()
        #expect(event.toolName == "sh")
        #expect(event.toolInputStrings == ["rm -rf /", "-x", "deep \"q\" é"])
    }

    @Test func readsDecodedToolNameAndMessageContent() throws {
        let message = try CoreFixtures.validate(
            Self.body(type: #""user_message""#, extra: #","message":{"content":"line\nnext \ud83d\ude00"}"#)
        ).get()
        #expect(message.messageContent == "line\nnext 😀")
        #expect(message.toolInputStrings.isEmpty)
        let scalarInput = try CoreFixtures.validate(Self.body(extra: #","tool":{"name":"t","input":"just text"}"#))
            .get()
        #expect(scalarInput.toolInputStrings == ["just text"])
    }

    @Test(arguments: [
        #"{"event_type":"tool\u005finvocation","session_id":"s","timestamp":"2026-03-03T10:30:00Z","#
            + #""agent":{"id":"a"},"tool":{"name":"t"}}"#,
        #"{"event\u005ftype":"tool_invocation","session_id":"s","timestamp":"2026-03-03T10:30:00Z","#
            + #""agent":{"id":"a"},"tool":{"n\u0061me":"t"}}"#,
    ])
    func decodesEscapesInKeysAndValues(body: String) throws {
        let event = try CoreFixtures.validate(body).get()
        #expect(event.eventType == .toolInvocation)
        #expect(event.toolName == "t")
    }

    @Test func acceptsHugeNumbersAsText() throws {
        let body = Self.body(extra: #","tool":{"name":"t","input":{"n":1e999,"m":-0.5E-400,"z":0}}"#)
        #expect(throws: Never.self) { try CoreFixtures.validate(body).get() }
    }
}
