/// Which loop drives libcurl on the transport's thread.
enum CurlLoopKind: Sendable, CaseIterable {
    /// ``CurlLoop``: `curl_multi_perform` + `curl_multi_poll` over every transfer each turn.
    case poll
    /// ``CurlSocketLoop``: `curl_multi_socket_action` on the sockets epoll reports ready (Linux only).
    case socketAction

    /// The loop ``CurlTransport`` uses unless told otherwise.
    static let preferred: CurlLoopKind = .poll

    /// The loops this platform has.
    static var available: [CurlLoopKind] {
        #if os(Linux)
        allCases
        #else
        [.poll]
        #endif
    }
}

/// A loop that owns the libcurl handles and runs on the transport's thread until the mailbox says stop.
protocol CurlLoopRunning: AnyObject {
    /// Runs until stopped, then answers everything left `.cancelled` and frees every handle.
    func run()
}

extension CurlLoop: CurlLoopRunning {}

#if os(Linux)
extension CurlSocketLoop: CurlLoopRunning {}
#endif
