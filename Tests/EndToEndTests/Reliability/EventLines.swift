/// Input lines for the filter: valid events of every type, with a recognisable index.
enum EventLines {
    /// The envelope every event shares (no timestamp: the filter fills it in).
    private static func envelope(_ type: String, session: String = "sess-rel") -> String {
        #""event_type":"\#(type)","session_id":"\#(session)","agent":{"id":"rel-agent","name":"Reliability"}"#
            + #","user":{"email":"rel@example.com"}"#
    }

    /// A `tool_invocation` line, with `correlation_id` when given.
    static func tool(_ index: Int, correlation: String? = nil) -> String {
        let id = correlation.map { #","correlation_id":"\#($0)""# } ?? ""
        return "{" + envelope("tool_invocation") + #","tool":{"name":"t\#(index)","input":{"n":\#(index)}}"# + id
            + "}"
    }

    /// A `user_message` line.
    static func userMessage(_ index: Int) -> String {
        "{" + envelope("user_message") + #","message":{"content":"prompt \#(index)"}}"#
    }

    /// An observational line; `kind` cycles through the four observational types.
    static func telemetry(_ index: Int, kind: Int? = nil) -> String {
        switch (kind ?? index) % 4 {
        case 0: "{" + envelope("tool_result") + #","tool":{"name":"t\#(index)","input":{},"output":{"n":\#(index)}}}"#
        case 1: "{" + envelope("agent_message") + #","message":{"content":"answer \#(index)"}}"#
        case 2: "{" + envelope("session_start") + "}"
        default: "{" + envelope("session_end") + "}"
        }
    }
}
