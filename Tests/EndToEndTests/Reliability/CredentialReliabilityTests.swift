import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 4, credentials and transport security: tokens rotate without a restart and never leak.
@Suite struct CredentialReliabilityTests {
    @Test func warnsAboutATokenFileOthersCanRead() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            chmod(token, 0o644)
            let result = try await GateBinary.run(
                Reliability.arguments(url: LoopbackPort.refusedURL(), tokenFile: token)
            )
            #expect(result.status == 0 || result.status == 2, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("chmod 600"), "stderr: \(result.stderr)")
        }
    }

    @Test func sighupRereadsTheTokenFile() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory, token: "old-token-aaaa")
            let serverToken = try directory.write("server-token", "new-token-bbbb\n")
            let record = directory.file("record.jsonl")
            try await withMockProcess(["--token-file", serverToken, "--record", record]) { mock in
                let gate = try GateBinary.start(Reliability.arguments(url: mock.url, tokenFile: token))
                gate.write(EventLines.tool(1) + "\n")
                let before = JSONLines.object(try #require(await gate.readLine()))
                #expect(before["source"] as? String == "fail_open", "\(before)")
                #expect(before["status"] as? Int == 401, "\(before)")
                try directory.write("token", "new-token-bbbb\n")
                gate.send(signal: SIGHUP)
                let reloaded = await Reliability.waitUntil(timeout: .seconds(5)) {
                    gate.stderrText.contains("token reloaded")
                }
                try #require(reloaded && gate.exitStatus == nil, "status \(String(describing: gate.exitStatus))")
                gate.write(EventLines.tool(2) + "\n")
                let after = JSONLines.object(try #require(await gate.readLine()))
                #expect(after["source"] as? String == "capsule", "\(after)")
                #expect(after["action"] as? String == "allow", "\(after)")
                gate.closeInput()
                #expect(await gate.waitForExit() == 0)
            }
            let statuses = JSONLines.parse(directory.read("record.jsonl")).map { $0["status"] as? Int }
            #expect(statuses == [401, 200], "after SIGHUP the new token is used at once: \(statuses)")
        }
    }

    @Test func rereadsTheTokenFileAfterA401AndRetriesOnce() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory, token: "old-token-cccc")
            let serverToken = try directory.write("server-token", "new-token-dddd\n")
            let record = directory.file("record.jsonl")
            try await withMockProcess(["--token-file", serverToken, "--record", record]) { mock in
                let gate = try GateBinary.start(Reliability.arguments(url: mock.url, tokenFile: token))
                gate.write(EventLines.tool(1) + "\n")
                let before = JSONLines.object(try #require(await gate.readLine()))
                #expect(before["status"] as? Int == 401, "\(before)")
                #expect((before["reason"] as? String ?? "").contains("401"), "\(before)")
                try directory.write("token", "new-token-dddd\n")
                gate.write(EventLines.tool(2) + "\n")
                let after = JSONLines.object(try #require(await gate.readLine()))
                #expect(after["source"] as? String == "capsule", "\(after)")
                #expect(after["status"] as? Int == 200, "\(after)")
                gate.closeInput()
                #expect(await gate.waitForExit() == 0)
                #expect(Reliability.count("401", in: gate.stderrText) >= 1, "the 401 is reported: \(gate.stderrText)")
            }
            let statuses = JSONLines.parse(directory.read("record.jsonl")).map { $0["status"] as? Int }
            #expect(statuses == [401, 401, 200], "one retry with the re-read token: \(statuses)")
        }
    }

    @Test func caFileTrustsATestCertificateAuthority() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory)
            let certificates = try await TestCertificates.make(in: directory)
            let server = try await ScriptedServer.start(
                ["--tls", certificates.certificatePath, certificates.keyPath],
                logPath: directory.file("requests.jsonl")
            )
            let untrusted = try await GateBinary.run(
                Reliability.arguments(url: server.url, tokenFile: token),
                stdin: EventLines.tool(1) + "\n"
            )
            let trusted = try await GateBinary.run(
                Reliability.arguments(url: server.url, tokenFile: token, ["--ca-file", certificates.caPath]),
                stdin: EventLines.tool(2) + "\n"
            )
            await server.stop()
            let refused = JSONLines.object(untrusted.stdoutLines.first ?? "")
            #expect(refused["source"] as? String == "fail_open", "\(refused)")
            #expect((refused["reason"] as? String ?? "").lowercased().contains("tls"), "\(refused)")
            let accepted = JSONLines.object(trusted.stdoutLines.first ?? "")
            #expect(accepted["source"] as? String == "capsule", "\(accepted); stderr: \(trusted.stderr)")
            #expect(accepted["action"] as? String == "allow", "\(accepted)")
            #expect(server.requests().count == 1, "only the trusted run reached the server")
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await withTemporaryDirectory { directory in
            let token = try Reliability.tokenFile(in: directory, token: "redirect-secret-7f3a")
            let target = try await ScriptedServer.start(logPath: directory.file("target.jsonl"))
            let redirector = try await ScriptedServer.start(
                ["--redirect-to", target.url],
                logPath: directory.file("redirector.jsonl")
            )
            let result = try await GateBinary.run(
                Reliability.arguments(url: redirector.url, tokenFile: token),
                stdin: EventLines.tool(1) + "\n" + EventLines.telemetry(2) + "\n"
            )
            await redirector.stop()
            await target.stop()
            let answer = JSONLines.object(result.stdoutLines.first ?? "")
            #expect(answer["source"] as? String == "fail_open", "\(answer)")
            #expect(answer["status"] as? Int == 302, "\(answer)")
            #expect((answer["reason"] as? String ?? "").contains("redirect"), "\(answer)")
            #expect(redirector.requests().count == 2)
            #expect(target.requests().isEmpty, "the redirect target saw: \(target.requests())")
            #expect(!directory.read("target.jsonl").contains("redirect-secret-7f3a"))
        }
    }

    @Test func tokenNeverAppearsInAnyOutput() async throws {
        try await withTemporaryDirectory { directory in
            let secret = "tok-SECRET-\(UUID().uuidString)"
            let wrong = "tok-WRONG-\(UUID().uuidString)"
            let token = try Reliability.tokenFile(in: directory, token: secret)
            let wrongToken = try directory.write("wrong-token", wrong + "\n")
            let serverToken = try directory.write("server-token", secret + "\n")
            let record = directory.file("record.jsonl")
            let input = (0..<40).map { $0 % 2 == 0 ? EventLines.tool($0) : EventLines.telemetry($0) }
            let text = input.joined(separator: "\n") + "\n"
            var outputs: [String] = []
            try await withMockProcess(
                ["--token-file", serverToken, "--record", record, "--fail-rate", "0.3", "--seed", "7"]
            ) { mock in
                for (file, spool) in [(token, "spool-a"), (wrongToken, "spool-b")] {
                    let gate = try GateBinary.start(
                        Reliability.arguments(
                            url: mock.url,
                            tokenFile: file,
                            ["--spool", directory.file(spool), "--telemetry-attempts", "1"]
                        )
                    )
                    // Right after spawning, /proc/PID/cmdline can still be empty (the exec is under way).
                    var argv = ""
                    for _ in 0..<200 where argv.isEmpty {
                        argv = (try? String(contentsOfFile: "/proc/\(gate.pid)/cmdline", encoding: .utf8)) ?? ""
                        if argv.isEmpty { try? await Task.sleep(for: .milliseconds(5)) }
                    }
                    #expect(argv.contains("--token-file"), "argv: \(argv)")
                    outputs.append(argv)
                    await Reliability.feed(gate, text, thenClose: true)
                    #expect(await gate.waitForExit() == 0, "stderr: \(gate.stderrText)")
                    outputs += [gate.stdoutText, gate.stderrText]
                }
            }
            outputs += [directory.read("spool-a"), directory.read("spool-b"), directory.read("record.jsonl")]
            #expect(!directory.read("spool-a").isEmpty && !directory.read("record.jsonl").isEmpty)
            #expect(outputs[2].contains("401") || outputs[5].contains("401"), "the wrong token was reported")
            for (index, output) in outputs.enumerated() {
                #expect(!output.contains(secret), "output \(index) leaks the token")
                #expect(!output.contains(wrong), "output \(index) leaks the wrong token")
            }
        }
    }
}
