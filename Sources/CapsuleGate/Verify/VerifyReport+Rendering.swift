extension VerifyReport {
    /// The report as lines of `fact: value`, ending with `result: ok` or `result: failed`.
    ///
    /// ```
    /// endpoint: reached (https://capsule.example.com/v1/generic-webhook/hooks/events)
    /// tls: ok
    /// token: accepted
    /// telemetry: accepted (session_start, 202, 3.1 ms)
    /// decision: allow (12.3 ms)
    /// agent: capsule-gate-verify — look for it under Inventory > Agents in the Capsule portal
    /// session: sess-… — open Observability and filter by Activity Type — Session to see it
    /// result: ok
    /// ```
    ///
    /// Each problem adds a `problem:` line followed by its `advice:` line; a slow round trip adds a `warning:` line.
    public var text: String {
        var lines: [String] = []
        if isEndpointReached {
            lines.append("endpoint: reached (\(url))")
        } else {
            lines.append("endpoint: not reached (\(url))" + (telemetry.reason.map { ": \($0)" } ?? ""))
        }
        lines.append("tls: \(tls == .notUsed ? "not used (http)" : tls.rawValue)")
        lines.append("token: \(token == .rejected ? "rejected (http 401)" : token.rawValue)")
        lines.append("telemetry: \(Self.describe(telemetry))")
        lines.append("decision: \(Self.describe(decision))")
        if isSuccess {
            lines.append("agent: \(agentID) — look for it under Inventory > Agents in the Capsule portal")
            lines.append(
                "session: \(sessionID) — open Observability and filter by Activity Type — Session to see it"
            )
        } else {
            lines.append("agent: \(agentID) — it appears under Inventory > Agents once verify succeeds")
        }
        for warning in warnings { lines.append("warning: \(warning)") }
        for problem in problems {
            lines.append("problem: \(problem.summary)")
            lines.append("advice: \(problem.advice)")
        }
        lines.append("result: \(isSuccess ? "ok" : "failed")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as one JSON object on one line, with stable keys.
    ///
    /// Keys, always present (`null` where a value does not apply):
    /// - `result`: `"ok"` or `"failed"`;
    /// - `url`: the URL both events were posted to;
    /// - `endpoint`: `"reached"` or `"not reached"`;
    /// - `tls`: `"ok"`, `"not used"`, `"failed"` or `"not checked"`;
    /// - `token`: `"accepted"`, `"rejected"` or `"not checked"`;
    /// - `telemetry`, `decision`: objects with `event_type` (`"session_start"`, `"tool_invocation"`), `outcome`
    ///   (`"accepted"`, `"allow"`, `"block"`, `"failed"` or `"not sent"`), `status` (integer or null), `latency_ms`
    ///   (number or null) and `reason` (Capsule's reason on a block, the failure otherwise, or null);
    /// - `agent_id`, `session_id`: the identity both events carried;
    /// - `warnings`: an array of strings;
    /// - `problems`: an array of objects with `problem` and `advice` strings.
    public var json: String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.appendKey("result")
        writer.appendString(isSuccess ? "ok" : "failed")
        writer.appendKey("url")
        writer.appendString(url)
        writer.appendKey("endpoint")
        writer.appendString(isEndpointReached ? "reached" : "not reached")
        writer.appendKey("tls")
        writer.appendString(tls.rawValue)
        writer.appendKey("token")
        writer.appendString(token.rawValue)
        for (key, call) in [("telemetry", telemetry), ("decision", decision)] {
            writer.appendKey(key)
            Self.append(call, to: &writer)
        }
        writer.appendKey("agent_id")
        writer.appendString(agentID)
        writer.appendKey("session_id")
        writer.appendString(sessionID)
        writer.appendKey("warnings")
        writer.beginArray()
        for warning in warnings { writer.appendString(warning) }
        writer.endArray()
        writer.appendKey("problems")
        writer.beginArray()
        for problem in problems {
            writer.beginObject()
            writer.appendKey("problem")
            writer.appendString(problem.summary)
            writer.appendKey("advice")
            writer.appendString(problem.advice)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self) + "\n"
    }

    /// The value of a `telemetry:` or `decision:` line.
    private static func describe(_ call: Call) -> String {
        let latency = call.seconds.map { format(seconds: $0) }
        switch call.outcome {
        case .accepted:
            return
                "accepted (\([call.eventType, call.status.map(String.init), latency].compactMap { $0 }.joined(separator: ", ")))"
        case .allow:
            return "allow (\(latency ?? "?"))"
        case .block:
            return "block (\(latency ?? "?"))" + (call.reason.map { ": \($0)" } ?? "")
        case .failed:
            let status = call.status.map { "http \($0)" } ?? call.reason
            return "failed (\([call.eventType, status, latency].compactMap { $0 }.joined(separator: ", ")))"
        case .notSent:
            return "not sent" + (call.reason.map { " (\($0))" } ?? "")
        }
    }

    /// Writes one call as a JSON object.
    private static func append(_ call: Call, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.appendKey("event_type")
        writer.appendString(call.eventType)
        writer.appendKey("outcome")
        writer.appendString(call.outcome.rawValue)
        writer.appendKey("status")
        if let status = call.status { writer.appendInt(status) } else { writer.appendNull() }
        writer.appendKey("latency_ms")
        if let seconds = call.seconds {
            writer.appendDecimal(seconds * 1000, fractionDigits: 1)
        } else {
            writer.appendNull()
        }
        writer.appendKey("reason")
        if let reason = call.reason { writer.appendString(reason) } else { writer.appendNull() }
        writer.endObject()
    }
}
