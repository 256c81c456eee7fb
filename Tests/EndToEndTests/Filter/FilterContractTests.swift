import Foundation
import Testing

/// The filter's stdin/stdout contract (issue 3), driven through the built binary against the mock over loopback.
@Suite(.timeLimit(.minutes(2)))
struct FilterContractTests {
    let token = "contract-token-7f3a9c"

    @Test func answersEveryNonBlankLineInInputOrderAndSkipsBlankLines() async throws {
        try await withMockProcess(["--latency", "1-15", "--seed", "7"], environment: ["CAPSULE_TOKEN": token]) { mock in
            var lines: [String] = []
            for index in 0..<40 {
                let types = ["tool_invocation", "user_message", "tool_result", "agent_message", "session_start"]
                lines.append(FilterTestSupport.event(types[index % types.count], ["correlation_id": "id-\(index)"]))
                if index % 10 == 3 { lines.append("") }
                if index % 10 == 6 { lines.append("   \t") }
            }
            // The last line has no newline and still counts.
            let input = lines.joined(separator: "\n")
            let result = try await GateBinary.run(
                ["--url", mock.baseURL],
                stdin: input,
                environment: ["CAPSULE_TOKEN": token]
            )
            #expect(result.status == 0)
            let decisions = FilterTestSupport.objects(result.stdout)
            #expect(decisions.count == 40)
            #expect(decisions.map { $0["correlation_id"] as? String } == (0..<40).map { "id-\($0)" })
            let expectedLineNumbers = lines.enumerated().filter {
                !$0.element.trimmingCharacters(in: .whitespaces).isEmpty
            }
            .map { $0.offset + 1 }
            #expect(decisions.map { $0["line"] as? Int } == expectedLineNumbers)
            for decision in decisions {
                let type = decision["event_type"] as? String
                if type == "tool_invocation" || type == "user_message" {
                    #expect(decision["action"] as? String == "allow")
                    #expect(decision["source"] as? String == "capsule")
                    #expect(decision["status"] as? Int == 200)
                    #expect((decision["latency_ms"] as? Double ?? -1) >= 1)
                } else {
                    #expect(decision["action"] as? String == "accepted")
                    #expect(decision["source"] as? String == "queued")
                    #expect(decision["status"] == nil)
                }
            }
        }
    }

    @Test func answersACoprocessLineByLineWithoutWaitingForEndOfInput() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": token]) { mock in
            let child = try GateBinary.start(["--url", mock.baseURL], environment: ["CAPSULE_TOKEN": token])
            for index in 1...5 {
                child.write(FilterTestSupport.event("tool_invocation", ["correlation_id": "co-\(index)"]) + "\n")
                let line = try #require(await child.readLine(timeout: .seconds(5)))
                let decision = FilterTestSupport.objects(line).first ?? [:]
                #expect(decision["correlation_id"] as? String == "co-\(index)")
                #expect(decision["line"] as? Int == index)
                #expect(decision["action"] as? String == "allow")
            }
            child.closeInput()
            #expect(await child.waitForExit(timeout: .seconds(10)) == 0)
        }
    }

    @Test func sendsTheEnrichedEventWithHeadersAndWithoutCorrelationID() async throws {
        try await withTemporaryDirectory { directory in
            let record = directory.file("record.jsonl")
            try await withMockProcess(["--record", record], environment: ["CAPSULE_TOKEN": token]) { mock in
                let bare = #"{"event_type":"tool_invocation","tool":{"name":"db_query"},"correlation_id":"c-1","x":1}"#
                let full = FilterTestSupport.event("user_message", ["agent": ["id": "own-agent"]])
                let result = try await GateBinary.run(
                    [
                        "--url", mock.baseURL, "--agent-id", "flag-agent", "--agent-name", "Flag Agent",
                        "--user-email", "flag@example.com", "--session-id", "flag-session",
                    ],
                    stdin: bare + "\n" + full + "\n",
                    environment: ["CAPSULE_TOKEN": token]
                )
                #expect(result.status == 0)
                let requests = await FilterTestSupport.record(record, atLeast: 2)
                try #require(requests.count == 2)
                let first = try #require(requests.first { ($0["body"] as? [String: Any])?["x"] != nil })
                let body = try #require(first["body"] as? [String: Any])
                #expect(body["correlation_id"] == nil)
                #expect(body["session_id"] as? String == "flag-session")
                #expect((body["agent"] as? [String: Any])?["id"] as? String == "flag-agent")
                #expect((body["agent"] as? [String: Any])?["name"] as? String == "Flag Agent")
                #expect((body["user"] as? [String: Any])?["email"] as? String == "flag@example.com")
                #expect(((body["tool"] as? [String: Any])?["input"] as? [String: Any])?.isEmpty == true)
                let timestamp = try #require(body["timestamp"] as? String)
                #expect(timestamp.hasSuffix("Z") && timestamp.count >= 20)
                let headers =
                    (first["headers"] as? [String: Any]).map { dictionary in
                        Dictionary(uniqueKeysWithValues: dictionary.map { ($0.key.lowercased(), "\($0.value)") })
                    } ?? [:]
                #expect(headers["x-correlation-id"] == "c-1")
                #expect(headers["content-type"] == "application/json")
                #expect(headers["user-agent"]?.hasPrefix("capsule-gate/") == true)
                #expect(headers["authorization"]?.hasPrefix("Bearer ") == true)

                // A full event keeps its own values: enrichment never overwrites.
                let second = try #require(requests.first { ($0["body"] as? [String: Any])?["x"] == nil })
                let kept = try #require(second["body"] as? [String: Any])
                #expect(kept["session_id"] as? String == "sess-e2e")
                #expect((kept["agent"] as? [String: Any])?["id"] as? String == "own-agent")
                #expect((kept["user"] as? [String: Any])?["email"] as? String == "user@example.com")
                #expect(kept["timestamp"] as? String == "2026-03-03T10:30:00Z")
                let decisions = FilterTestSupport.objects(result.stdout)
                #expect(decisions[0]["session_id"] as? String == "flag-session")
                #expect(decisions[1]["correlation_id"] as? String != nil)
            }
        }
    }

    @Test func generatesOneSessionIDPerProcessWhenNoneIsGiven() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": token]) { mock in
            let bare = #"{"event_type":"session_start","agent":{"id":"a"}}"#
            let result = try await GateBinary.run(
                ["--url", mock.baseURL],
                stdin: bare + "\n" + bare + "\n",
                environment: ["CAPSULE_TOKEN": token]
            )
            let sessions = FilterTestSupport.objects(result.stdout).map { $0["session_id"] as? String }
            #expect(sessions.count == 2)
            #expect(sessions[0] == sessions[1])
            #expect(sessions[0]?.hasPrefix("sess-") == true)
            let ids = FilterTestSupport.objects(result.stdout).compactMap { $0["correlation_id"] as? String }
            #expect(Set(ids).count == 2)
        }
    }

    @Test func reportsInvalidLinesNamingTheFieldAndKeepsGoing() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": token]) { mock in
            let input = [
                "not json",
                #"{"event_type":"tool_invocation","agent":{"id":"a"},"tool":{"name":""}}"#,
                #"{"event_type":"nope","agent":{"id":"a"}}"#,
                #"{"event_type":"user_message","agent":{"id":"a"},"message":{"content":7}}"#,
                #"{"event_type":"session_start"}"#,
                #"{"event_type":"tool_result","agent":{"id":"a"},"tool":{"name":"t"}}"#,
                #"{"event_type":"session_end","agent":{"id":"a"},"timestamp":"yesterday"}"#,
                "[1,2]",
                FilterTestSupport.event("tool_invocation"),
            ].joined(separator: "\n")
            let result = try await GateBinary.run(
                ["--url", mock.baseURL],
                stdin: input + "\n",
                environment: ["CAPSULE_TOKEN": token]
            )
            #expect(result.status == 0)
            let decisions = FilterTestSupport.objects(result.stdout)
            try #require(decisions.count == 9)
            for decision in decisions.dropLast() {
                #expect(decision["action"] as? String == "error")
                #expect(decision["source"] as? String == "invalid")
            }
            let reasons = decisions.map { $0["reason"] as? String ?? "" }
            #expect(reasons[1].hasPrefix("tool.name:"))
            #expect(reasons[2].hasPrefix("event_type:"))
            #expect(reasons[3].hasPrefix("message.content:"))
            #expect(reasons[4].hasPrefix("agent.id:"))
            #expect(reasons[5].hasPrefix("tool.output:"))
            #expect(reasons[6].hasPrefix("timestamp:"))
            #expect(decisions[1]["event_type"] as? String == "tool_invocation")
            #expect(decisions[8]["action"] as? String == "allow")
        }
    }

    @Test func emitBlockingWritesOnlyBlockingLinesAndSendsOtherProblemsToStderr() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": token]) { mock in
            let input = [
                FilterTestSupport.event("session_start"),
                FilterTestSupport.event("tool_invocation", ["correlation_id": "b-1"]),
                #"{"event_type":"agent_message","agent":{"id":"a"}}"#,
                #"{"event_type":"user_message","agent":{"id":"a"}}"#,
                "garbage",
                FilterTestSupport.event("user_message", ["correlation_id": "b-2"]),
            ].joined(separator: "\n")
            let result = try await GateBinary.run(
                ["--url", mock.baseURL, "--emit", "blocking"],
                stdin: input + "\n",
                environment: ["CAPSULE_TOKEN": token]
            )
            let decisions = FilterTestSupport.objects(result.stdout)
            #expect(decisions.map { $0["line"] as? Int } == [2, 4, 6])
            #expect(decisions[1]["action"] as? String == "error")
            #expect(result.stderr.contains("line 3: message.content"))
            #expect(result.stderr.contains("line 5:"))
        }
    }

    @Test func skipsOverlongLinesWithoutLosingTheNextOne() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": token]) { mock in
            let long = FilterTestSupport.event("tool_invocation", ["pad": String(repeating: "x", count: 5000)])
            let input = [long, FilterTestSupport.event("tool_invocation", ["correlation_id": "after"])]
            let result = try await GateBinary.run(
                ["--url", mock.baseURL, "--max-line-bytes", "1024"],
                stdin: input.joined(separator: "\n") + "\n",
                environment: ["CAPSULE_TOKEN": token]
            )
            let decisions = FilterTestSupport.objects(result.stdout)
            try #require(decisions.count == 2)
            #expect(decisions[0]["action"] as? String == "error")
            #expect((decisions[0]["reason"] as? String)?.contains("--max-line-bytes") == true)
            #expect(decisions[1]["correlation_id"] as? String == "after")
            #expect(decisions[1]["action"] as? String == "allow")
        }
    }

    @Test func relaysBlocksWithCapsulesReason() async throws {
        let policy =
            #"{"rules":[{"name":"no-drop","tool":"db_*","input_regex":"(?i)drop\\s+table","action":"block","reason":"destructive SQL"}]}"#
        try await withTemporaryDirectory { directory in
            let path = try directory.write("policy.json", policy)
            try await withMockProcess(["--policy", path], environment: ["CAPSULE_TOKEN": token]) { mock in
                let drop = FilterTestSupport.event(
                    "tool_invocation",
                    ["tool": ["name": "db_query", "input": ["q": ["nested": "drop  TABLE users"]]]]
                )
                let result = try await GateBinary.run(
                    ["--url", mock.baseURL],
                    stdin: drop + "\n",
                    environment: ["CAPSULE_TOKEN": token]
                )
                let decision = FilterTestSupport.objects(result.stdout).first ?? [:]
                #expect(decision["action"] as? String == "block")
                #expect(decision["source"] as? String == "capsule")
                #expect(decision["reason"] as? String == "destructive SQL")
            }
        }
    }

    @Test func finishesAMixedRunWithRandomDelaysInAFractionOfTheSequentialTime() async throws {
        try await withMockProcess(["--latency", "5-25", "--seed", "42"], environment: ["CAPSULE_TOKEN": token]) {
            mock in
            let types = [
                "tool_invocation", "user_message", "tool_result", "agent_message", "session_start", "session_end",
            ]
            let lines = (0..<300).map { FilterTestSupport.event(types[$0 % 6], ["correlation_id": "m-\($0)"]) }
            let start = ContinuousClock.now
            let result = try await GateBinary.run(
                ["--url", mock.baseURL],
                stdin: lines.joined(separator: "\n") + "\n",
                environment: ["CAPSULE_TOKEN": token]
            )
            let elapsed = ContinuousClock.now - start
            #expect(result.status == 0)
            let decisions = FilterTestSupport.objects(result.stdout)
            #expect(decisions.map { $0["correlation_id"] as? String } == (0..<300).map { "m-\($0)" })
            // Sequentially, 100 blocking calls at 5-25 ms alone take at least 1.5 s (and 300 requests ~4.5 s).
            #expect(elapsed < .milliseconds(1500), "took \(elapsed)")
            #expect(
                decisions.allSatisfy { ($0["source"] as? String) == "capsule" || ($0["source"] as? String) == "queued" }
            )
        }
    }

    @Test func readsEverySettingFromTheEnvironmentAndLetsFlagsWin() async throws {
        try await withMockProcess(environment: ["CAPSULE_TOKEN": token]) { mock in
            let bare = #"{"event_type":"session_start"}"#
            let environment = [
                "CAPSULE_TOKEN": token, "CAPSULE_URL": mock.baseURL, "CAPSULE_AGENT_ID": "env-agent",
                "CAPSULE_SESSION_ID": "env-session", "CAPSULE_EMIT": "all",
            ]
            let fromEnvironment = try await GateBinary.run([], stdin: bare + "\n", environment: environment)
            #expect(FilterTestSupport.objects(fromEnvironment.stdout).first?["session_id"] as? String == "env-session")
            let flagWins = try await GateBinary.run(
                ["--session-id", "flag-session"],
                stdin: bare + "\n",
                environment: environment
            )
            #expect(FilterTestSupport.objects(flagWins.stdout).first?["session_id"] as? String == "flag-session")
        }
    }
}
