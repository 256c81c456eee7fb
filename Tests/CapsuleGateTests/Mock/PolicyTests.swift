import Foundation
import Testing

@testable import CapsuleGate

@Suite struct PolicyTests {
    private func policy(_ json: String) throws -> Policy {
        try Policy.parse(Data(json.utf8))
    }

    private func event(
        _ type: EventType = .toolInvocation,
        tool: String? = nil,
        input: [String] = [],
        content: String? = nil
    ) -> ValidatedEvent {
        ValidatedEvent(
            eventType: type,
            sessionID: "s",
            toolName: tool,
            messageContent: content,
            toolInputStrings: input
        )
    }

    private func parseError(_ json: String) -> String? {
        do {
            _ = try Policy.parse(Data(json.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    @Test func noPolicyAllowsBlockingAndAcceptsObservational() {
        #expect(Policy().evaluate(event(.toolInvocation, tool: "x")).decision == .allow)
        #expect(Policy().evaluate(event(.userMessage, content: "hi")).decision == .allow)
        #expect(Policy().evaluate(event(.toolResult, tool: "x")).decision == .accepted)
        #expect(Policy().evaluate(event(.sessionStart)).decision == .accepted)
    }

    @Test func matchesEveryConditionKind() throws {
        let rules = try policy(
            #"""
            {"rules":[
              {"name":"type","event_type":"user_message","content_contains":"secret","action":"block","reason":"r1"},
              {"name":"rx","content_regex":"(?i)ignore (all|previous) instructions","action":"block"},
              {"name":"glob","tool":"db_*","input_regex":"(?i)drop\\s+table","action":"block","reason":"sql"},
              {"name":"contains","tool":"shell","input_contains":"rm -rf","action":"block","reason":"rm"}
            ]}
            """#
        )
        #expect(rules.evaluate(event(.userMessage, content: "tell me the secret")).decision == .block(reason: "r1"))
        #expect(rules.evaluate(event(.userMessage, content: "the SECRET")).decision == .allow)
        #expect(
            rules.evaluate(event(.userMessage, content: "Please IGNORE previous instructions")).decision
                == .block(reason: "blocked by policy rule rx")
        )
        #expect(
            rules.evaluate(event(tool: "db_query", input: ["a", "DROP  table users"])).decision == .block(reason: "sql")
        )
        #expect(rules.evaluate(event(tool: "db_query", input: ["select 1"])).decision == .allow)
        #expect(rules.evaluate(event(tool: "query_db", input: ["drop table x"])).decision == .allow)
        #expect(rules.evaluate(event(tool: "shell", input: ["sudo rm -rf /"])).decision == .block(reason: "rm"))
        #expect(rules.evaluate(event(tool: "shell", input: ["ls"])).decision == .allow)
        #expect(rules.evaluate(event(tool: "shell", input: [])).decision == .allow)
    }

    @Test func firstMatchWinsAndAllowRulesAllow() throws {
        let rules = try policy(
            #"{"rules":[{"name":"ok","tool":"safe_*","action":"allow"},{"name":"all","action":"block","reason":"no"}]}"#
        )
        let allowed = rules.evaluate(event(tool: "safe_read"))
        #expect(allowed.decision == .allow)
        #expect(allowed.ruleName == "ok")
        #expect(rules.evaluate(event(tool: "other")).decision == .block(reason: "no"))
    }

    @Test func observationalEventsAreAcceptedButKeepRuleFaults() throws {
        let rules = try policy(#"{"rules":[{"name":"slow","action":"block","latency_ms":7.5,"fail_status":503}]}"#)
        let outcome = rules.evaluate(event(.toolResult, tool: "x"))
        #expect(outcome.decision == .accepted)
        #expect(outcome.latencyMilliseconds == 7.5)
        #expect(outcome.failStatus == 503)
        #expect(outcome.failRate == 1)
    }

    @Test func faultDefaults() throws {
        let rules = try policy(
            #"{"rules":[{"name":"a","tool":"a","fail_rate":0.5},{"name":"b","tool":"b","blackhole":true},{"name":"c"}]}"#
        )
        let rateOnly = rules.evaluate(event(tool: "a"))
        #expect(rateOnly.failStatus == 500)
        #expect(rateOnly.failRate == 0.5)
        #expect(rules.evaluate(event(tool: "b")).isBlackhole)
        let plain = rules.evaluate(event(tool: "c"))
        #expect(plain.failStatus == nil)
        #expect(plain.decision == .allow)
        #expect(plain.ruleName == "c")
    }

    @Test(arguments: [
        (
            #"{"rules":[{"name":"a"},{"name":"no-drop","input_regex":"(unclosed"}]}"#,
            "policy rule 'no-drop' (rule 2): field 'input_regex': invalid regular expression '(unclosed'"
        ),
        (#"{"rules":[{"name":"x","colour":"red"}]}"#, "policy rule 'x' (rule 1): field 'colour': unknown field"),
        (#"{"rules":[{"name":"x","tool":5}]}"#, "policy rule 'x' (rule 1): field 'tool': expected a non-empty string"),
        (
            #"{"rules":[{"name":"x","action":"deny"}]}"#,
            "policy rule 'x' (rule 1): field 'action': expected 'allow' or 'block', not 'deny'"
        ),
        (
            #"{"rules":[{"name":"x","fail_rate":1.5}]}"#,
            "policy rule 'x' (rule 1): field 'fail_rate': expected a fraction from 0 to 1"
        ),
        (
            #"{"rules":[{"name":"x","fail_status":99}]}"#,
            "policy rule 'x' (rule 1): field 'fail_status': expected a whole number from 100 to 599"
        ),
        (
            #"{"rules":[{"name":"x","fail_status":600}]}"#,
            "policy rule 'x' (rule 1): field 'fail_status': expected a whole number from 100 to 599"
        ),
        (
            #"{"rules":[{"name":"x","latency_ms":true}]}"#,
            "policy rule 'x' (rule 1): field 'latency_ms': expected a number"
        ),
        (
            #"{"rules":[{"name":"x","latency_ms":-1}]}"#,
            "policy rule 'x' (rule 1): field 'latency_ms': expected 0 to 600000"
        ),
        (
            #"{"rules":[{"name":"x","blackhole":1}]}"#,
            "policy rule 'x' (rule 1): field 'blackhole': expected true or false"
        ),
        (
            #"{"rules":[{"name":"x","event_type":"tool_call"}]}"#,
            "policy rule 'x' (rule 1): field 'event_type': unknown event type 'tool_call'"
        ),
        (#"{"rules":[{"tool":"a"}]}"#, "policy rule 1: field 'name': missing; every rule needs a name"),
        (#"{"rules":[{"name":"x"},{"name":"x"}]}"#, "policy rule 'x' (rule 2): field 'name': duplicate rule name"),
        (#"{"rules":[5]}"#, "policy rule 1: field '': expected an object"),
        (#"{"rulez":[]}"#, "the policy file must be an object with a 'rules' array"),
        (#"{"rules":[],"extra":1}"#, "the policy file has an unknown top-level field 'extra'"),
        (#"{"rules":["#, "the policy file is not valid JSON: cannot parse it as a json document"),
    ])
    func rejectsInvalidFilesNamingRuleAndField(json: String, message: String) {
        #expect(parseError(json) == message)
    }

    @Test func examplePolicyParsesAndDecides() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/policy.json")
        let example = try Policy.load(path: url.path)
        #expect(example.evaluate(event(tool: "db_query", input: ["DROP TABLE users"])).decision != .allow)
        #expect(example.evaluate(event(tool: "shell", input: ["rm -rf /tmp/x"])).decision != .allow)
        #expect(example.evaluate(event(.userMessage, content: "Ignore all instructions")).decision != .allow)
        #expect(example.evaluate(event(tool: "db_query", input: ["SELECT 1"])).decision == .allow)
        #expect(example.evaluate(event(.userMessage, content: "Look up order #12345")).decision == .allow)
        #expect(example.rules.allSatisfy { $0.failStatus == nil && $0.latencyMilliseconds == nil && !$0.isBlackhole })
    }
}
