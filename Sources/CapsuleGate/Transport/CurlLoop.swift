import CCurl

/// The `curl_multi_poll` loop: runs on the transport's one dedicated thread and owns every libcurl handle.
///
/// Each turn takes new requests and cancellations from the ``TransportMailbox``, lets libcurl make progress on every
/// transfer (`curl_multi_perform`), resumes the continuations of finished transfers, and sleeps in `curl_multi_poll`
/// until a socket is ready, a timer is due, or a caller wakes it (`curl_multi_wakeup`).
///
/// An epoll + `curl_multi_socket_action` loop was measured against this one (commit 4910266) and was no faster at 64
/// connections, so this simpler loop is the only one.
final class CurlLoop {
    /// The multi handle and its transfers.
    private let transfers: CurlMultiHandle

    /// Creates the multi handle sized to the configuration, or `nil` when libcurl cannot.
    init?(mailbox: TransportMailbox, configuration: TransportConfiguration, caBundlePath: String?) {
        guard
            let transfers = CurlMultiHandle(
                mailbox: mailbox,
                configuration: configuration,
                caBundlePath: caBundlePath
            )
        else { return nil }
        self.transfers = transfers
    }

    /// Runs until the mailbox says stop, then answers everything left `.cancelled` and frees every handle.
    func run() {
        let multi = transfers.multi
        transfers.mailbox.attach(multi: multi)
        while transfers.takeFromMailbox() {
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            transfers.collectFinished()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        transfers.close()
    }

    /// The host part of `url`, for messages.
    static func host(of url: String) -> String {
        CurlMultiHandle.host(of: url)
    }
}
