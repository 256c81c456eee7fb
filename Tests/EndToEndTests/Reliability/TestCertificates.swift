import Foundation

/// A throwaway CA and a server certificate for 127.0.0.1 signed by it, made with `openssl` in a test directory.
struct TestCertificates: Sendable {
    /// The CA certificate (PEM), for `--ca-file`.
    let caPath: String
    /// The server's certificate (PEM).
    let certificatePath: String
    /// The server's private key (PEM).
    let keyPath: String

    /// Makes the certificates inside `directory`.
    ///
    /// - Throws: ``TestCertificatesError`` when `openssl` fails.
    static func make(in directory: TemporaryDirectory) async throws -> TestCertificates {
        let script = """
            set -e
            cd "$1"
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
                -days 2 -subj /CN=capsule-gate-test-ca 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
                -out server.csr -subj /CN=127.0.0.1 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
                -extfile ext.cnf 2>/dev/null
            """
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", script, "sh", directory.path],
            environment: GateBinary.environment()
        )
        child.closeInput()
        guard await child.waitForExit(timeout: .seconds(20)) == 0 else {
            throw TestCertificatesError.opensslFailed(stderr: child.stderrText)
        }
        return TestCertificates(
            caPath: directory.file("ca.pem"),
            certificatePath: directory.file("server.pem"),
            keyPath: directory.file("server.key")
        )
    }
}

/// Why the test certificates could not be made.
enum TestCertificatesError: Error, CustomStringConvertible {
    /// `openssl` exited with an error.
    case opensslFailed(stderr: String)

    /// One sentence.
    var description: String {
        switch self {
        case .opensslFailed(let stderr): "openssl could not make the test certificates: \(stderr)"
        }
    }
}
