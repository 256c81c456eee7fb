import Foundation
import Testing

/// `capsule-gate verify` over https: a certificate signed by an unknown CA is reported with the `--ca-file` advice,
/// and the same server passes once `--ca-file` names that CA.
@Suite struct VerifyTLSTests {
    /// A minimal https webhook: 202 to session_start, the reference's allow to anything else; prints its port.
    private static let server = """
        import http.server, ssl, sys
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = b"" if b"session_start" in body else b'{"apiVersion":"1","response":{"action":"allow"}}'
                self.send_response(202 if not answer else 200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """

    private static let token = "verify-tls-token-0c7e21"

    @Test func anUntrustedCertificateNeedsTheCAFileAndPassesWithIt() async throws {
        try await withTemporaryDirectory { directory in
            let certificates = try await TestCertificates.make(in: directory)
            let child = try ChildProcess(
                executable: URL(fileURLWithPath: "/usr/bin/env"),
                arguments: ["python3", "-c", Self.server, certificates.certificatePath, certificates.keyPath],
                environment: GateBinary.environment()
            )
            guard let line = await child.readLine(timeout: .seconds(15)), let port = Int(line) else {
                await child.terminate()
                Issue.record("the https server printed no port; stderr: \(child.stderrText)")
                return
            }
            let url = "https://127.0.0.1:\(port)/v1/generic-webhook/hooks/events"
            let environment = ["CAPSULE_TOKEN": Self.token]

            let untrusted = try await GateBinary.run(["verify", "--url", url], environment: environment)
            let trusted = try await GateBinary.run(
                ["verify", "--url", url, "--ca-file", certificates.caPath],
                environment: environment
            )
            await child.terminate()

            #expect(untrusted.status == 1, "\(untrusted.stdout)")
            #expect(untrusted.stdoutLines.contains("tls: failed"))
            #expect(untrusted.stdoutLines.contains("problem: the server's TLS certificate is not trusted"))
            #expect(
                untrusted.stdoutLines.contains {
                    $0.hasPrefix("advice: the certificate is not trusted: pass --ca-file")
                }
            )
            #expect(trusted.status == 0, "\(trusted.stdout)\n\(trusted.stderr)")
            #expect(trusted.stdoutLines.contains("tls: ok"))
            #expect(trusted.stdoutLines.contains("token: accepted"))
            #expect(trusted.stdoutLines.last == "result: ok")
            for result in [untrusted, trusted] {
                #expect(!result.stdout.contains(Self.token) && !result.stderr.contains(Self.token))
            }
        }
    }
}
