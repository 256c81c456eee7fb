/// Builds a request body from a scanned line by cutting and inserting bytes, never re-encoding it.
struct BodySplicer {
    /// One change to the line: replace `start..<end` (empty for an insertion) with generated text.
    private struct Edit {
        /// What an edit writes.
        enum Content {
            /// Nothing: a cut.
            case nothing
            /// The missing top-level members.
            case rootMembers
            /// The missing `agent` members.
            case agentMembers
            /// The missing `user` member.
            case userMembers
            /// `"input":{}` in `tool`.
            case toolInput
        }

        /// First byte replaced.
        var start: Int
        /// Just past the last byte replaced.
        var end: Int
        /// What goes in its place.
        var content: Content
    }

    /// The scanned line.
    let scan: EventScan
    /// The line's bytes.
    let line: UnsafeRawBufferPointer
    /// What to add.
    let fills: EventFills
    /// The top-level `correlation_id` member to cut out, if any.
    let correlation: JSONMember?

    /// The body: the top-level object with the edits applied, without surrounding whitespace.
    func splice() -> [UInt8] {
        var edits: [Edit] = []
        var remainingRootMembers = scan.members.count
        if let correlation, let position = scan.members.firstIndex(of: correlation) {
            remainingRootMembers -= 1
            let members = scan.members
            if members.count == 1 {
                edits.append(Edit(start: correlation.keyStart, end: correlation.valueEnd, content: .nothing))
            } else if position + 1 < members.count {
                // Cut through the comma only, so whitespace after it stays (a spool line replays exactly).
                var comma = correlation.valueEnd
                while comma < members[position + 1].keyStart && line[comma] != UInt8(ascii: ",") { comma += 1 }
                edits.append(Edit(start: correlation.keyStart, end: comma + 1, content: .nothing))
            } else {
                edits.append(
                    Edit(start: members[position - 1].valueEnd, end: correlation.valueEnd, content: .nothing)
                )
            }
        }
        if fills.agentID != nil || fills.agentName != nil, let agent = scan.member(.agent) {
            edits.append(Edit(start: agent.valueEnd - 1, end: agent.valueEnd - 1, content: .agentMembers))
        }
        if fills.userEmail != nil, let user = scan.member(.user) {
            edits.append(Edit(start: user.valueEnd - 1, end: user.valueEnd - 1, content: .userMembers))
        }
        if fills.toolInput, let tool = scan.member(.tool) {
            edits.append(Edit(start: tool.valueEnd - 1, end: tool.valueEnd - 1, content: .toolInput))
        }
        edits.append(Edit(start: scan.rootEnd - 1, end: scan.rootEnd - 1, content: .rootMembers))
        edits.sort { $0.start < $1.start }

        var body: [UInt8] = []
        body.reserveCapacity(scan.rootEnd - scan.rootStart + 256)
        var cursor = scan.rootStart
        for edit in edits {
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[cursor..<edit.start]))
            cursor = edit.end
            switch edit.content {
            case .nothing:
                break
            case .rootMembers:
                writeRootMembers(into: &body, needsComma: remainingRootMembers > 0)
            case .agentMembers:
                var first = scan.memberCount(in: .agent) == 0
                writeMember("id", fills.agentID, into: &body, first: &first)
                writeMember("name", fills.agentName, into: &body, first: &first)
            case .userMembers:
                var first = scan.memberCount(in: .user) == 0
                writeMember("email", fills.userEmail, into: &body, first: &first)
            case .toolInput:
                if scan.memberCount(in: .tool) > 0 { body.append(UInt8(ascii: ",")) }
                JSONWriter.appendASCII(#""input":{}"#, to: &body)
            }
        }
        body.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[cursor..<scan.rootEnd]))
        return body
    }

    /// Writes the missing top-level members: `timestamp`, `session_id`, a new `agent` and a new `user`.
    private func writeRootMembers(into body: inout [UInt8], needsComma: Bool) {
        var first = !needsComma
        writeMember("timestamp", fills.timestamp, into: &body, first: &first)
        writeMember("session_id", fills.sessionID, into: &body, first: &first)
        if scan.member(.agent) == nil && (fills.agentID != nil || fills.agentName != nil) {
            writeKey("agent", into: &body, first: &first)
            body.append(UInt8(ascii: "{"))
            var inner = true
            writeMember("id", fills.agentID, into: &body, first: &inner)
            writeMember("name", fills.agentName, into: &body, first: &inner)
            body.append(UInt8(ascii: "}"))
        }
        if scan.member(.user) == nil, fills.userEmail != nil {
            writeKey("user", into: &body, first: &first)
            body.append(UInt8(ascii: "{"))
            var inner = true
            writeMember("email", fills.userEmail, into: &body, first: &inner)
            body.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `"key":"value"` (preceded by a comma unless `first`) when `value` is set.
    private func writeMember(_ key: StaticString, _ value: String?, into body: inout [UInt8], first: inout Bool) {
        guard let value else { return }
        writeKey(key, into: &body, first: &first)
        JSONWriter.appendString(value, to: &body)
    }

    /// Writes `"key":` preceded by a comma unless `first`.
    private func writeKey(_ key: StaticString, into body: inout [UInt8], first: inout Bool) {
        if !first { body.append(UInt8(ascii: ",")) }
        first = false
        body.append(UInt8(ascii: "\""))
        JSONWriter.appendASCII(key, to: &body)
        body.append(UInt8(ascii: "\""))
        body.append(UInt8(ascii: ":"))
    }
}
