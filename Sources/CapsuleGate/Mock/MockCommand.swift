#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `capsule-gate mock`: a local stand-in for Capsule's generic webhook, for the demo, the tests and the benchmarks.
public enum MockCommand {
    /// The `--help` text.
    public static let usage = """
        usage: capsule-gate mock [options]

        Serves Capsule's generic webhook (POST /v1/generic-webhook/hooks/events) over HTTP/1.1 on loopback.
        Prints 'listening on http://HOST:PORT' as its only stdout line; logs go to stderr. SIGTERM or SIGINT
        stops it (exit 0).

        options:
          --host ADDR          address to bind (default 127.0.0.1; '::1' for IPv6)
          --port N             port to bind, 0 picks a free one (default 8787)
          --policy FILE        decision rules (see examples/policy.json); without it every event is allowed
          --record FILE        append one JSON line per request: time, connection, method, path, headers
                               (token redacted), body, status, response
          --token-file PATH    the token clients must send; else CAPSULE_TOKEN, else CAPSULE_TOKEN_FILE;
                               with none, any non-empty bearer token is accepted
          --latency MS|MIN-MAX delay every answer by MS milliseconds, or uniformly from MIN to MAX
          --fail-rate P        answer this fraction (0-1) of requests with --fail-status
          --fail-status CODE   status of injected failures (default 500)
          --seed N             seed for the latency and failure draws (default: random)
          --blackhole          read every request and never answer it
          --help               show this help

        exit status: 0 stopped by SIGTERM/SIGINT, 1 cannot serve (e.g. port in use), 2 usage or configuration error
        """

    /// Runs the mock until SIGTERM or SIGINT.
    ///
    /// - Parameters:
    ///   - arguments: The arguments after `mock`.
    ///   - environment: The process environment (only the token variables are read).
    /// - Returns: The process exit status.
    public static func main(arguments: [String], environment: [String: String]) -> Int32 {
        let options: MockOptions
        let server: MockServer
        do {
            options = try MockOptions.parse(arguments)
            if options.isHelp {
                StandardStreams.writeOut(usage + "\n")
                return 0
            }
            var token: BearerToken?
            if let source = TokenSource.resolve(tokenFile: options.tokenFile, environment: environment) {
                let loaded = try source.load()
                if let warning = loaded.warning { StandardStreams.writeError("capsule-gate mock: \(warning)\n") }
                token = loaded.token
            }
            var policy = Policy()
            if let path = options.policyPath {
                do {
                    policy = try Policy.load(path: path)
                } catch {
                    throw UsageError.other(error.description)
                }
            }
            let recorder = try options.recordPath.map { path throws(UsageError) in
                try RequestRecorder(path: path, token: token)
            }
            let configuration = MockServer.Configuration(
                host: options.host,
                port: options.port,
                responder: MockResponder(token: token, policy: policy, faults: options.faults),
                seed: options.seed,
                recorder: recorder
            )
            do {
                server = try MockServer(configuration: configuration)
            } catch {
                StandardStreams.writeError("capsule-gate mock: \(error)\n")
                return 1
            }
        } catch {
            StandardStreams.writeError("capsule-gate mock: \(error)\n")
            return 2
        }
        guard StandardStreams.writeOut("listening on \(server.baseURL)\n") else { return 1 }
        StandardStreams.writeError(
            "capsule-gate mock: serving POST \(MockResponder.endpoint) on \(server.baseURL)"
                + (options.policyPath.map { " with policy '\($0)'" } ?? "") + "\n"
        )
        // main.swift blocks SIGINT/SIGTERM/SIGHUP in every thread; the watcher receives them with sigwait.
        SignalWatcher.start { signal in
            guard signal == SIGTERM || signal == SIGINT else { return }
            server.stop()
        }
        server.start()
        server.waitUntilStopped()
        return server.isStopRequested ? 0 : 1
    }
}
