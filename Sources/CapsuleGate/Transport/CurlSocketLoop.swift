#if os(Linux)
import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// The `curl_multi_socket_action` loop: libcurl tells it which sockets to watch, epoll tells it which are ready.
///
/// Runs on the transport's one dedicated thread and owns every libcurl handle, like ``CurlLoop``, but each turn
/// touches only the sockets epoll reports ready instead of every transfer:
/// - `CURLMOPT_SOCKETFUNCTION` adds, changes and removes sockets in the epoll set (`EPOLLIN`/`EPOLLOUT` per
///   `CURL_POLL_*`);
/// - `CURLMOPT_TIMERFUNCTION` records when libcurl next wants `CURL_SOCKET_TIMEOUT` (connects, timeouts);
/// - the mailbox's eventfd, in the same epoll set, is what ``TransportMailbox`` writes to when it has news.
///
/// A turn takes the mailbox's news, waits in `epoll_wait` (until libcurl's timer at most), calls
/// `curl_multi_socket_action` for each ready socket and for a due timer, then resumes finished transfers.
final class CurlSocketLoop {
    /// The multi handle and its transfers.
    private let transfers: CurlMultiHandle
    /// The epoll instance.
    private let epoll: Int32
    /// The mailbox's eventfd, which callers write to (the mailbox closes it).
    private let wakeDescriptor: Int32
    /// Sockets in the epoll set, as libcurl asked.
    private var watched: Set<Int32> = []
    /// ``MonotonicClock`` seconds when libcurl wants `CURL_SOCKET_TIMEOUT`, or `nil` for never.
    private var deadline: Double?
    /// The longest single wait in milliseconds, a safety net should a timer ever be missed.
    private static let longestWait: Double = 1000

    /// Creates the multi handle, the epoll set and the eventfd, or `nil` when the system or libcurl cannot.
    init?(mailbox: TransportMailbox, configuration: TransportConfiguration, caBundlePath: String?) {
        let wakeDescriptor = mailbox.wakeDescriptor
        guard wakeDescriptor >= 0 else { return nil }
        let epoll = cg_epoll_create()
        guard epoll >= 0 else { return nil }
        guard cg_epoll_control(epoll, CG_EPOLL_CTL_ADD, wakeDescriptor, CG_EPOLL_IN) == 0,
            let transfers = CurlMultiHandle(
                mailbox: mailbox,
                configuration: configuration,
                caBundlePath: caBundlePath
            )
        else {
            Glibc.close(epoll)
            return nil
        }
        self.epoll = epoll
        self.wakeDescriptor = wakeDescriptor
        self.transfers = transfers
    }

    /// Runs until the mailbox says stop, then answers everything left `.cancelled` and frees every handle.
    func run() {
        let multi = transfers.multi
        let context = Unmanaged.passUnretained(self).toOpaque()
        cg_multi_setopt_socket_function(multi, curlSocketCallback)
        cg_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        cg_multi_setopt_timer_function(multi, curlTimerCallback)
        cg_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        transfers.mailbox.attach(.eventDescriptor)
        var ready = [cg_ready_descriptor](repeating: cg_ready_descriptor(), count: Int(CG_MAX_READY))
        while transfers.takeFromMailbox() {
            let count = ready.withUnsafeMutableBufferPointer { buffer in
                cg_epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), waitMilliseconds())
            }
            var running: Int32 = 0
            for index in 0..<Int(max(count, 0)) {
                let descriptor = ready[index].fd
                if descriptor == wakeDescriptor {
                    cg_eventfd_drain(wakeDescriptor)
                } else {
                    curl_multi_socket_action(multi, descriptor, Self.selection(ready[index].events), &running)
                }
            }
            if let deadline, MonotonicClock.now() >= deadline {
                curl_multi_socket_action(multi, CURL_SOCKET_BAD, 0, &running)
                resynchronizeTimer()
            }
            transfers.collectFinished()
        }
        transfers.close()
        Glibc.close(epoll)
    }

    /// How long `epoll_wait` may sleep: until libcurl's timer, capped at ``longestWait``; `0` when it is due.
    private func waitMilliseconds() -> Int32 {
        guard let deadline else { return Int32(Self.longestWait) }
        let milliseconds = ((deadline - MonotonicClock.now()) * 1000).rounded(.up)
        return Int32(min(max(milliseconds, 0), Self.longestWait))
    }

    /// Reads libcurl's next timeout after a timer action, since libcurl calls the timer function only when it
    /// changes.
    private func resynchronizeTimer() {
        var milliseconds = -1
        curl_multi_timeout(transfers.multi, &milliseconds)
        setTimer(milliseconds)
    }

    /// `CURLMOPT_TIMERFUNCTION`: `CURL_SOCKET_TIMEOUT` is due in `milliseconds` (`-1`: no timer).
    fileprivate func setTimer(_ milliseconds: Int) {
        deadline = milliseconds < 0 ? nil : MonotonicClock.now() + Double(milliseconds) / 1000
    }

    /// `CURLMOPT_SOCKETFUNCTION`: watches `descriptor` for what libcurl asks (`CURL_POLL_*`), or stops.
    fileprivate func watch(_ descriptor: Int32, for what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.remove(descriptor) != nil {
                _ = cg_epoll_control(epoll, CG_EPOLL_CTL_DEL, descriptor, 0)
            }
            return
        }
        var events: UInt32 = 0
        if what & CURL_POLL_IN != 0 { events |= CG_EPOLL_IN }
        if what & CURL_POLL_OUT != 0 { events |= CG_EPOLL_OUT }
        if watched.contains(descriptor) {
            // A socket closed without REMOVE has left the set on its own; its number may be back as a new socket.
            if cg_epoll_control(epoll, CG_EPOLL_CTL_MOD, descriptor, events) == ENOENT {
                _ = cg_epoll_control(epoll, CG_EPOLL_CTL_ADD, descriptor, events)
            }
        } else {
            if cg_epoll_control(epoll, CG_EPOLL_CTL_ADD, descriptor, events) == EEXIST {
                _ = cg_epoll_control(epoll, CG_EPOLL_CTL_MOD, descriptor, events)
            }
            watched.insert(descriptor)
        }
    }

    /// The `CURL_CSELECT_*` bits for epoll's `events`.
    private static func selection(_ events: UInt32) -> Int32 {
        var bits: Int32 = 0
        if events & (CG_EPOLL_IN | CG_EPOLL_HUP) != 0 { bits |= CURL_CSELECT_IN }
        if events & CG_EPOLL_OUT != 0 { bits |= CURL_CSELECT_OUT }
        if events & CG_EPOLL_ERR != 0 { bits |= CURL_CSELECT_ERR }
        return bits
    }
}

/// `CURLMOPT_SOCKETFUNCTION`, with the loop as `CURLMOPT_SOCKETDATA`.
private func curlSocketCallback(
    _ easy: UnsafeMutableRawPointer?,
    _ descriptor: curl_socket_t,
    _ what: Int32,
    _ context: UnsafeMutableRawPointer?,
    _ socketContext: UnsafeMutableRawPointer?
) -> Int32 {
    guard let context else { return 0 }
    Unmanaged<CurlSocketLoop>.fromOpaque(context).takeUnretainedValue().watch(descriptor, for: what)
    return 0
}

/// `CURLMOPT_TIMERFUNCTION`, with the loop as `CURLMOPT_TIMERDATA`.
private func curlTimerCallback(
    _ multi: UnsafeMutableRawPointer?,
    _ milliseconds: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int32 {
    guard let context else { return 0 }
    Unmanaged<CurlSocketLoop>.fromOpaque(context).takeUnretainedValue().setTimer(milliseconds)
    return 0
}
#endif
