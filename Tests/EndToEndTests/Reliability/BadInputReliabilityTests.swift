import Foundation
import Testing

/// Issue 4, bad input at scale: hostile lines get an answer, never a crash, and the stream goes on.
@Suite struct BadInputReliabilityTests {
    /// A hostile line and what its answer must say.
    struct Case: Sendable, CustomStringConvertible {
        /// What the case is.
        var description: String
        /// The line, without `\n`.
        var line: String
        /// The expected `action`.
        var action: String
        /// Text the answer's `reason` must contain (lowercased), when any.
        var reason: String?
    }

    static let envelope = #""session_id":"s","agent":{"id":"a"}"#

    static let cases: [Case] = [
        Case(
            description: "100,000 nested arrays",
            line: String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
            action: "error",
            reason: nil
        ),
        Case(
            description: "100,000 nested objects in tool.input",
            line: #"{"event_type":"tool_invocation",\#(envelope),"tool":{"name":"x","input":"#
                + String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000) + "}}",
            action: "error",
            reason: "deep"
        ),
        Case(
            description: "a raw NUL byte inside a string",
            line: #"{"event_type":"user_message",\#(envelope),"message":{"content":"a\#u{0}b"}}"#,
            action: "error",
            reason: "control"
        ),
        Case(
            description: "a raw NUL byte between tokens",
            line: #"{"event_type":"user_message",\#u{0}\#(envelope),"message":{"content":"ab"}}"#,
            action: "error",
            reason: nil
        ),
        Case(
            description: "an escaped NUL",
            line: #"{"event_type":"user_message",\#(envelope),"message":{"content":"a\u0000b"}}"#,
            action: "allow",
            reason: nil
        ),
        Case(
            description: "a lone high surrogate",
            line: #"{"event_type":"user_message",\#(envelope),"message":{"content":"\ud800"}}"#,
            action: "error",
            reason: "surrogate"
        ),
        Case(
            description: "a lone low surrogate",
            line: #"{"event_type":"user_message",\#(envelope),"message":{"content":"x\udc00y"}}"#,
            action: "error",
            reason: "surrogate"
        ),
        Case(
            description: "duplicate keys",
            line: #"{"event_type":"tool_invocation",\#(envelope),"tool":{"name":"x","name":"y"}}"#,
            action: "error",
            reason: "duplicate"
        ),
        Case(
            description: "1e999 forwarded unchanged",
            line: #"{"event_type":"tool_invocation",\#(envelope),"tool":{"name":"x","input":{"n":1e999}}}"#,
            action: "allow",
            reason: nil
        ),
    ]

    @Test func hostileLinesGetAnAnswerAndTheStreamGoesOn() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            try await withMockProcess { mock in
                var input = ""
                for (index, item) in Self.cases.enumerated() {
                    input += item.line + "\n" + EventLines.tool(index) + "\n"
                }
                let gate = try GateBinary.start(Reliability.arguments(url: mock.url, tokenFile: token))
                await Reliability.feed(gate, input, thenClose: true)
                let status = await gate.waitForExit(timeout: .seconds(20))
                #expect(status == 0, "stderr: \(gate.stderrText)")
                #expect(!gate.stderrText.contains("Fatal error"))
                let answers = JSONLines.parse(gate.stdoutText)
                try #require(answers.count == Self.cases.count * 2, "answers: \(answers.count)")
                for (index, item) in Self.cases.enumerated() {
                    let answer = answers[index * 2]
                    #expect(answer["line"] as? Int == index * 2 + 1, "\(item): \(answer)")
                    #expect(answer["action"] as? String == item.action, "\(item): \(answer)")
                    if let reason = item.reason {
                        let text = (answer["reason"] as? String ?? "").lowercased()
                        #expect(text.contains(reason), "\(item): \(answer)")
                    }
                    let next = answers[index * 2 + 1]
                    #expect(next["action"] as? String == "allow", "the line after \(item): \(next)")
                    #expect(next["source"] as? String == "capsule", "the line after \(item): \(next)")
                }
            }
        }
    }

    @Test func hundredMegabyteLineIsSkippedWithBoundedMemory() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            try await withMockProcess { mock in
                let gate = try GateBinary.start(Reliability.arguments(url: mock.url, tokenFile: token))
                let chunk = String(repeating: "x", count: 1_048_576)
                await onThread {
                    gate.write(#"{"event_type":"tool_invocation","pad":""#)
                    for _ in 0..<100 { gate.write(chunk) }
                    gate.write("\"}\n" + EventLines.tool(2) + "\n")
                }
                let answers = await Reliability.readObjects(gate, count: 2, timeout: .seconds(15))
                let peak = ProcessMemory.peakBytes(of: gate.pid) ?? Int.max
                print("100 MB line: VmHWM \(peak / 1_048_576) MB")
                #expect(peak < 100 * 1_048_576, "VmHWM \(peak) bytes")
                try #require(answers.count == 2, "answers: \(answers); stderr: \(gate.stderrText)")
                #expect(answers[0]["action"] as? String == "error")
                #expect((answers[0]["reason"] as? String ?? "").contains("max-line-bytes"), "\(answers[0])")
                #expect(answers[1]["action"] as? String == "allow", "\(answers[1])")
                #expect(answers[1]["line"] as? Int == 2)
                gate.closeInput()
                #expect(await gate.waitForExit() == 0)
            }
        }
    }

    @Test func twentyThousandMixedLinesAreAllAnsweredAndDelivered() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let record = directory.file("record.jsonl")
            var lines: [String] = []
            var telemetry = 0
            var blocking = 0
            for index in 0..<20_000 {
                switch index % 10 {
                case 0, 1, 2:
                    lines.append(EventLines.tool(index))
                    blocking += 1
                case 3:
                    lines.append(EventLines.userMessage(index))
                    blocking += 1
                case 9:
                    lines.append(index % 20 == 9 ? #"{"event_type":"tool_invocation"}"# : "not json \(index)")
                default:
                    lines.append(EventLines.telemetry(index))
                    telemetry += 1
                }
            }
            let mock = try await MockProcess.start(["--record", record])
            let gate = try GateBinary.start(Reliability.arguments(url: mock.url, tokenFile: token))
            let peak = PeakSampler(pid: gate.pid)
            let start = ContinuousClock.now
            await Reliability.feed(gate, lines.joined(separator: "\n") + "\n", thenClose: true)
            let status = await gate.waitForExit(timeout: .seconds(60))
            let elapsed = Reliability.seconds(since: start)
            let peakBytes = peak.stop()
            await mock.stop()
            print("20,000 mixed lines: \(elapsed) s, peak RSS \(peakBytes / 1_048_576) MB")
            #expect(status == 0, "stderr: \(gate.stderrText)")
            let answers = JSONLines.parse(gate.stdoutText)
            #expect(answers.count == 20_000)
            #expect(answers.enumerated().allSatisfy { $0.element["line"] as? Int == $0.offset + 1 }, "in input order")
            #expect(answers.filter { $0["source"] as? String == "capsule" }.count == blocking)
            #expect(answers.filter { $0["action"] as? String == "accepted" }.count == telemetry)
            #expect(answers.filter { $0["action"] as? String == "error" }.count == 20_000 - blocking - telemetry)
            let recorded = JSONLines.parse(directory.read("record.jsonl"))
            #expect(recorded.filter { $0["status"] as? Int == 202 }.count == telemetry, "every event delivered")
            #expect(recorded.filter { $0["status"] as? Int == 200 }.count == blocking)
            #expect(peakBytes > 0 && peakBytes < 150 * 1_048_576, "peak RSS \(peakBytes) bytes")
        }
    }
}
