import Foundation

/// The mock's decision rules: an ordered list of ``PolicyRule``s where the first match wins.
///
/// The file format is `{"rules":[{"name":"no-drop","event_type":"tool_invocation","tool":"db_*",
/// "input_regex":"(?i)drop\\s+table","action":"block","reason":"destructive SQL"}]}`. The evaluation is pure
/// (no I/O), so the same engine can run inside the filter.
public struct Policy: Sendable {
    /// The rules, in file order.
    public var rules: [PolicyRule]

    /// The fields a rule may have.
    static let ruleFields: Set<String> = [
        "name", "event_type", "tool", "input_contains", "input_regex", "content_contains", "content_regex",
        "action", "reason", "latency_ms", "fail_status", "fail_rate", "blackhole",
    ]

    /// Creates a policy from rules; an empty policy allows everything.
    public init(rules: [PolicyRule] = []) {
        self.rules = rules
    }

    /// Decides for `event`: the first rule whose conditions all hold gives the decision and its faults.
    ///
    /// Observational events are always accepted (a matching rule still contributes its faults); a blocking event
    /// is blocked only by a matching rule with `action: block`, and allowed otherwise.
    public func evaluate(_ event: ValidatedEvent) -> PolicyOutcome {
        guard let rule = rules.first(where: { $0.matches(event) }) else {
            return PolicyOutcome(decision: event.eventType.isBlocking ? .allow : .accepted)
        }
        let decision: PolicyOutcome.Decision
        if !event.eventType.isBlocking {
            decision = .accepted
        } else if rule.action == .block {
            decision = .block(reason: rule.reason ?? "blocked by policy rule \(rule.name)")
        } else {
            decision = .allow
        }
        let failRate = rule.failRate ?? (rule.failStatus == nil ? 0 : 1)
        return PolicyOutcome(
            decision: decision,
            ruleName: rule.name,
            latencyMilliseconds: rule.latencyMilliseconds ?? 0,
            failStatus: failRate > 0 ? (rule.failStatus ?? 500) : nil,
            failRate: failRate,
            isBlackhole: rule.isBlackhole
        )
    }

    /// Reads and parses the policy file at `path`.
    ///
    /// - Throws: ``PolicyError`` naming the rule and field at fault.
    public static func load(path: String) throws(PolicyError) -> Policy {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: "no such file or not readable")
        }
        return try parse(data)
    }

    /// Parses a policy document.
    ///
    /// - Parameter data: The JSON text.
    /// - Returns: The policy.
    /// - Throws: ``PolicyError`` naming the rule and field at fault.
    public static func parse(_ data: Data) throws(PolicyError) -> Policy {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .invalidJSON(reason: "cannot parse it as a json document")
        }
        guard let object = document as? [String: Any], let rawRules = object["rules"] as? [Any] else {
            throw .invalidDocument("must be an object with a 'rules' array")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "rules" }) {
            throw .invalidDocument("has an unknown top-level field '\(unknown)'")
        }
        var rules: [PolicyRule] = []
        var names: Set<String> = []
        for (offset, raw) in rawRules.enumerated() {
            let rule = try parseRule(raw, index: offset + 1)
            guard names.insert(rule.name).inserted else {
                throw .invalidRule(index: offset + 1, name: rule.name, field: "name", message: "duplicate rule name")
            }
            rules.append(rule)
        }
        return Policy(rules: rules)
    }

    private static func parseRule(_ raw: Any, index: Int) throws(PolicyError) -> PolicyRule {
        guard let object = raw as? [String: Any] else {
            throw .invalidRule(index: index, name: nil, field: "", message: "expected an object")
        }
        let readableName = (object["name"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        func fail(_ field: String, _ message: String) -> PolicyError {
            .invalidRule(index: index, name: readableName, field: field, message: message)
        }
        if let unknown = object.keys.sorted().first(where: { !ruleFields.contains($0) }) {
            throw fail(unknown, "unknown field")
        }
        func string(_ field: String) throws(PolicyError) -> String? {
            guard let value = object[field] else { return nil }
            guard let text = value as? String, !text.isEmpty else { throw fail(field, "expected a non-empty string") }
            return text
        }
        func number(_ field: String) throws(PolicyError) -> Double? {
            guard let value = object[field] else { return nil }
            guard let number = value as? NSNumber, !isBoolean(number), number.doubleValue.isFinite else {
                throw fail(field, "expected a number")
            }
            return number.doubleValue
        }
        func regex(_ field: String) throws(PolicyError) -> NSRegularExpression? {
            guard let pattern = try string(field) else { return nil }
            do {
                return try NSRegularExpression(pattern: pattern)
            } catch {
                throw fail(field, "invalid regular expression '\(pattern)'")
            }
        }
        guard let name = try string("name") else { throw fail("name", "missing; every rule needs a name") }
        var rule = PolicyRule(name: name)
        if let type = try string("event_type") {
            guard let eventType = EventType(rawValue: type) else {
                throw fail("event_type", "unknown event type '\(type)'")
            }
            rule.eventType = eventType
        }
        rule.tool = try string("tool").map(GlobPattern.init)
        rule.inputContains = try string("input_contains")
        rule.inputRegex = try regex("input_regex")
        rule.contentContains = try string("content_contains")
        rule.contentRegex = try regex("content_regex")
        if let action = try string("action") {
            guard let parsed = PolicyRule.Action(rawValue: action) else {
                throw fail("action", "expected 'allow' or 'block', not '\(action)'")
            }
            rule.action = parsed
        }
        rule.reason = try string("reason")
        if let latency = try number("latency_ms") {
            guard latency >= 0, latency <= 600_000 else { throw fail("latency_ms", "expected 0 to 600000") }
            rule.latencyMilliseconds = latency
        }
        if let status = try number("fail_status") {
            guard status == status.rounded(), status >= 100, status <= 599 else {
                throw fail("fail_status", "expected a whole number from 100 to 599")
            }
            rule.failStatus = Int(status)
        }
        if let rate = try number("fail_rate") {
            guard rate >= 0, rate <= 1 else { throw fail("fail_rate", "expected a fraction from 0 to 1") }
            rule.failRate = rate
        }
        if let value = object["blackhole"] {
            guard let flag = value as? NSNumber, isBoolean(flag) else {
                throw fail("blackhole", "expected true or false")
            }
            rule.isBlackhole = flag.boolValue
        }
        return rule
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
