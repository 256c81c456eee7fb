import Foundation
import Testing

@testable import CapsuleGate

/// A test CA and a server certificate it signed for `IP:127.0.0.1`, made with `openssl` in a fresh folder.
private struct TestCertificates {
    /// The folder holding everything.
    let directory: String
    /// The CA certificate (PEM).
    var caFile: String { directory + "/ca.pem" }
    /// The server certificate (PEM).
    var certificateFile: String { directory + "/server.pem" }
    /// The server key (PEM).
    var keyFile: String { directory + "/server.key" }

    /// Makes a CA and a server certificate.
    static func make() async throws -> TestCertificates {
        let directory = NSTemporaryDirectory() + "capsule-gate-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await runTool(
            ["openssl", "req", "-x509"] + curve + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=capsule-gate test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            in: directory
        )
        try await runTool(
            ["openssl", "req"] + curve + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            in: directory
        )
        try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: directory + "/ext.cnf", atomically: true, encoding: .utf8)
        try await runTool(
            [
                "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
            ],
            in: directory
        )
        return TestCertificates(directory: directory)
    }

    /// Deletes the folder.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

@Suite struct CurlTransportTLSTests {
    @Test func rejectsAnUntrustedCertificateAndTrustsItWithTheCAFile() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        try await withTransportFixture(["--tls", certificates.certificateFile, certificates.keyFile]) { fixture in
            let plain = try CurlTransport(
                configuration: TransportConfiguration(maxConnections: 2, userAgent: "tests"),
                defaultHeaders: []
            )
            defer { plain.shutdown() }
            let refused = await plain.send(HTTPRequest(url: fixture.url("/ok"), body: [1], timeout: 5))
            guard case .failure(let error) = refused else {
                Issue.record("an untrusted certificate was accepted")
                return
            }
            #expect(error == .tlsUntrusted)
            #expect(error.description == "tls: certificate not trusted (pass --ca-file)")
            #expect(!error.wasSent)

            let trusting = try CurlTransport(
                configuration: TransportConfiguration(maxConnections: 2, caFile: certificates.caFile, userAgent: "t"),
                defaultHeaders: []
            )
            defer { trusting.shutdown() }
            for _ in 0..<5 {
                let result = await trusting.send(HTTPRequest(url: fixture.url("/ok"), body: [1], timeout: 5))
                guard case .success(let response) = result else {
                    Issue.record("the extra CA was not trusted: \(result)")
                    return
                }
                #expect(response.status == 200)
            }
            #expect(trusting.connectionsOpened == 1)
        }
    }

    @Test func rejectsACertificateForAnotherHost() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        try await withTransportFixture(["--tls", certificates.certificateFile, certificates.keyFile]) { fixture in
            let transport = try CurlTransport(
                configuration: TransportConfiguration(maxConnections: 2, caFile: certificates.caFile, userAgent: "t"),
                defaultHeaders: []
            )
            defer { transport.shutdown() }
            // The certificate names IP:127.0.0.1 only, not "localhost".
            let result = await transport.send(
                HTTPRequest(url: "https://localhost:\(fixture.port)/ok", body: [1], timeout: 5)
            )
            guard case .failure(let error) = result else {
                Issue.record("a certificate for another host was accepted")
                return
            }
            #expect(error == .tlsHostMismatch(host: "localhost"))
            #expect(!error.wasSent)
        }
    }

    @Test func theCombinedBundleKeepsTheSystemCAsAndIsPrivate() throws {
        let extra = Array("-----BEGIN CERTIFICATE-----\nextra\n-----END CERTIFICATE-----\n".utf8)
        var path = ""
        do {
            let bundle = try CABundle(extra: extra)
            path = bundle.path
            let contents = try #require(FileManager.default.contents(atPath: bundle.path))
            let text = String(decoding: contents, as: UTF8.self)
            #expect(text.hasSuffix(String(decoding: extra, as: UTF8.self) + "\n"))
            if let system = CABundle.systemBundlePath(), let systemBytes = FileManager.default.contents(atPath: system)
            {
                #expect(contents.starts(with: systemBytes))
                #expect(systemBytes.count > 1000)
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: bundle.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
        #expect(!path.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
