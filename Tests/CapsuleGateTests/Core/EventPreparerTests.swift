import Foundation
import Testing

@testable import CapsuleGate

@Suite struct EventPreparerTests {
    private static let minimal = #"{"event_type":"session_start"}"#

    @Test func forwardsACompleteEventByteForByte() throws {
        let line = CoreFixtures.toolInvocation
        let event = try CoreFixtures.prepare(line).get()
        #expect(String(decoding: event.body, as: UTF8.self) == line)
        #expect(event.eventType == .toolInvocation)
        #expect(event.sessionID == "sess-abc123")
    }

    @Test func fillsEveryMissingFieldFromTheDefaults() throws {
        let body = try #require(CoreFixtures.bodyText(CoreFixtures.prepare(Self.minimal)))
        #expect(
            body == #"{"event_type":"session_start","timestamp":"2026-03-03T10:30:00.123Z","#
                + #""session_id":"sess-default","agent":{"id":"default-agent","name":"Default Agent"},"#
                + #""user":{"email":"default@example.com"}}"#
        )
    }

    @Test func neverOverwritesPresentFields() throws {
        let line =
            #"{"event_type":"user_message","session_id":"mine","timestamp":"2025-01-01T00:00:00+02:00","#
            + #""agent":{"id":"my-agent","name":"Mine"},"user":{"email":"me@x.io"},"message":{"content":"hi"}}"#
        let body = try #require(CoreFixtures.bodyText(CoreFixtures.prepare(line)))
        #expect(body == line)
    }

    @Test func neverOverwritesPresentButInvalidFields() {
        let line = #"{"event_type":"session_start","session_id":"","agent":{"id":"a"}}"#
        #expect(CoreFixtures.failureText(CoreFixtures.prepare(line)) == "session_id: expected a non-empty string")
        let nullName = #"{"event_type":"session_start","agent":{"id":"a","name":null}}"#
        #expect(CoreFixtures.failureText(CoreFixtures.prepare(nullName)) == "agent.name: expected a string")
    }

    @Test(arguments: [
        (#"{"id":"mine"}"#, #"{"id":"mine","name":"Default Agent"}"#),
        (#"{"name":"Mine"}"#, #"{"name":"Mine","id":"default-agent"}"#),
        ("{}", #"{"id":"default-agent","name":"Default Agent"}"#),
        ("{ }", #"{ "id":"default-agent","name":"Default Agent"}"#),
        (#"{"extra":[1,{"id":"x"}] }"#, #"{"extra":[1,{"id":"x"}] ,"id":"default-agent","name":"Default Agent"}"#),
    ])
    func insertsIntoAnExistingAgentObject(agent: String, expected: String) throws {
        let line =
            #"{"event_type":"session_start","session_id":"s","timestamp":"2026-03-03T10:30:00Z","#
            + #""agent":\#(agent),"user":{}}"#
        let body = try #require(CoreFixtures.bodyText(CoreFixtures.prepare(line)))
        #expect(body.contains(#""agent":\#(expected),"user":{"email":"default@example.com"}}"#))
        #expect(CoreFixtures.validate(bytes: Array(body.utf8)).didSucceed)
    }

    @Test func addsNoAgentWithoutDefaultsAndNamesTheMissingID() {
        let defaults = EnrichmentDefaults(sessionID: "s")
        #expect(
            CoreFixtures.failureText(CoreFixtures.prepare(Self.minimal, defaults: defaults))
                == "agent.id: expected a non-empty string"
        )
        let emptyDefault = EnrichmentDefaults(agentID: "", sessionID: "s")
        #expect(
            CoreFixtures.failureText(CoreFixtures.prepare(Self.minimal, defaults: emptyDefault))
                == "agent.id: expected a non-empty string"
        )
    }

    @Test func fillsToolInputOnlyForToolInvocations() throws {
        let common = #""session_id":"s","timestamp":"2026-03-03T10:30:00Z","agent":{"id":"a"}"#
        let invocation = #"{"event_type":"tool_invocation",\#(common),"tool":{"name":"t"}}"#
        #expect(
            CoreFixtures.bodyText(CoreFixtures.prepare(invocation))
                == #"{"event_type":"tool_invocation",\#(common.dropLast()),"name":"Default Agent"},"#
                + #""tool":{"name":"t","input":{}},"#
                + #""user":{"email":"default@example.com"}}"#
        )
        let result = #"{"event_type":"tool_result",\#(common),"tool":{"name":"t","output":1}}"#
        #expect(try #require(CoreFixtures.bodyText(CoreFixtures.prepare(result))).contains(#""output":1}"#))
        let kept = #"{"event_type":"tool_invocation",\#(common),"tool":{"name":"t","input":null}}"#
        #expect(try #require(CoreFixtures.bodyText(CoreFixtures.prepare(kept))).contains(#""input":null}"#))
    }

    @Test(arguments: [
        (#"{"correlation_id":"c-1","event_type":"session_start"}"#, #"{"event_type":"session_start""#),
        (#"{ "correlation_id" : "c-1" , "event_type":"session_start"}"#, #"{  "event_type":"session_start""#),
        (#"{"event_type":"session_start","correlation_id":"c-1","x":1}"#, #"{"event_type":"session_start","x":1"#),
        (#"{"event_type":"session_start","x":1,"correlation_id":"c-1"}"#, #"{"event_type":"session_start","x":1,"#),
        (#"{"event_type":"session_start" , "correlation_id":"c-1" }"#, #"{"event_type":"session_start" ,"#),
    ])
    func removesCorrelationIDWhereverItStands(line: String, prefix: String) throws {
        let event = try CoreFixtures.prepare(line).get()
        let body = String(decoding: event.body, as: UTF8.self)
        #expect(event.correlationID == "c-1")
        #expect(!body.contains("correlation_id"))
        #expect(body.hasPrefix(prefix), "\(body)")
        #expect(CoreFixtures.validate(bytes: event.body).didSucceed)
    }

    @Test func removesCorrelationIDWhenItIsTheOnlyMember() {
        let rejected = CoreFixtures.prepare(#"{"correlation_id":"c-9"}"#)
        guard case .failure(let line) = rejected else {
            Issue.record("accepted an event without event_type")
            return
        }
        #expect(line.correlationID == "c-9")
        #expect(line.failure.field == "event_type")
    }

    @Test(arguments: [
        (#"{"event_type":"session_start","correlation_id":5}"#, "correlation_id: expected a string"),
        (#"{"event_type":"session_start","correlation_id":null}"#, "correlation_id: expected a string"),
        (#"{"event_type":"session_start","correlation_id":""}"#, "correlation_id: expected a non-empty string"),
        (
            #"{"event_type":"session_start","correlation_id":"a\r\nX-Evil: 1"}"#,
            "correlation_id: expected a string without control characters"
        ),
        (#"{"event_type":"session_start","correlation_id":"a","correlation_id":"b"}"#, "correlation_id: duplicate key"),
    ])
    func rejectsBadCorrelationIDs(line: String, message: String) {
        #expect(CoreFixtures.failureText(CoreFixtures.prepare(line)) == message)
    }

    @Test func generatesLowercaseVersion4UUIDs() throws {
        let first = try CoreFixtures.prepare(Self.minimal).get().correlationID
        let second = try CoreFixtures.prepare(Self.minimal).get().correlationID
        #expect(first != second)
        let pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        #expect(first.wholeMatch(of: pattern) != nil)
        #expect(second.wholeMatch(of: pattern) != nil)
    }

    @Test func rejectedLinesCarryWhatCouldBeRead() {
        let line = #"{"event_type":"tool_call","correlation_id":"c-2","session_id":"s-2"}"#
        guard case .failure(let rejected) = CoreFixtures.prepare(line) else {
            Issue.record("accepted")
            return
        }
        #expect(rejected.eventType == "tool_call")
        #expect(rejected.correlationID == "c-2")
        #expect(rejected.sessionID == "s-2")
        guard case .failure(let defaulted) = CoreFixtures.prepare(#"{"event_type":7}"#) else { return }
        #expect(defaulted.eventType == nil)
        #expect(defaulted.sessionID == "sess-default")
        guard case .failure(let broken) = CoreFixtures.prepare(#"{"event_type":"user_message""#) else { return }
        #expect(broken.eventType == nil && broken.correlationID == nil && broken.sessionID == nil)
    }

    @Test func preservesUnicodeEscapesAndNumbers() throws {
        let line =
            #"{"event_type":"user_message","message":{"content":"h\u00e9llo 😀 \"q\" \\ \/ \ud83d\ude00"},"#
            + #""n":1e999,"f":-0.0,"big":123456789012345678901234567890,"ü":"ñ"}"#
        let body = try #require(CoreFixtures.bodyText(CoreFixtures.prepare(line)))
        #expect(body.hasPrefix(String(line.dropLast())))
        #expect(body.contains(#""n":1e999"#))
    }

    @Test(arguments: [
        Self.minimal,
        CoreFixtures.toolInvocation,
        #"  {"event_type":"tool_invocation","tool":{"name":"t"},"correlation_id":"c","agent":{}}  "#,
        #"{"correlation_id":"c","event_type":"user_message","message":{"content":"x","meta":[1,2]},"user":{}}"#,
        #"{"event_type":"tool_result","tool":{"name":"t","output":{"rows":[{"a":"é"}]}},"z":[{},[]]}"#,
        #"{"event_type":"agent_message","message":{"content":""},"agent":{"name":"keep"},"user":{"x":true}}"#,
        #"{"event_type":"session_end","timestamp":"2026-03-03T10:30:00.5-05:00","session_id":"\u0073"}"#,
    ])
    func preparedBodyParsesToInputPlusFillsMinusCorrelation(line: String) throws {
        let event = try CoreFixtures.prepare(line).get()
        let output = try #require(CoreFixtures.parse(event.body) as? NSDictionary)
        let input = try #require(CoreFixtures.parse(Array(line.utf8)) as? NSDictionary)
        let expected = try #require(input.mutableCopy() as? NSMutableDictionary)
        expected.removeObject(forKey: "correlation_id")
        let defaults = CoreFixtures.fullDefaults
        if expected["timestamp"] == nil { expected["timestamp"] = CoreFixtures.now }
        if expected["session_id"] == nil { expected["session_id"] = defaults.sessionID }
        let agent = try #require(((expected["agent"] as? NSDictionary) ?? [:]).mutableCopy() as? NSMutableDictionary)
        if agent["id"] == nil { agent["id"] = defaults.agentID }
        if agent["name"] == nil { agent["name"] = defaults.agentName }
        expected["agent"] = agent
        let user = try #require(((expected["user"] as? NSDictionary) ?? [:]).mutableCopy() as? NSMutableDictionary)
        if user["email"] == nil { user["email"] = defaults.userEmail }
        expected["user"] = user
        if expected["event_type"] as? String == "tool_invocation",
            let tool = (expected["tool"] as? NSDictionary)?.mutableCopy() as? NSMutableDictionary, tool["input"] == nil
        {
            tool["input"] = NSDictionary()
            expected["tool"] = tool
        }
        #expect(output == expected)
        let revalidated = try CoreFixtures.validate(bytes: event.body).get()
        #expect(revalidated.eventType == event.eventType)
        #expect(revalidated.sessionID == event.sessionID)
    }

    @Test func spoolLineRoundTripsUnderTheSameID() throws {
        let event = try CoreFixtures.prepare(#"{"event_type":"tool_result","tool":{"name":"t","output":1}}"#).get()
        let spool = event.spoolLine()
        #expect(spool.last == 0x0A)
        let text = String(decoding: spool, as: UTF8.self)
        #expect(text.hasPrefix(#"{"correlation_id":"\#(event.correlationID)","event_type":"tool_result""#))
        let again = try CoreFixtures.prepare(bytes: Array(spool.dropLast())).get()
        #expect(again.body == event.body)
        #expect(again.correlationID == event.correlationID)
    }
}

extension Result {
    /// Whether this is `.success`.
    var didSucceed: Bool {
        if case .success = self { return true }
        return false
    }
}
