import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libcurl's multi handle with the transfers on it: the part of a loop thread that does not depend on how it waits.
///
/// Takes requests and cancellations from the ``TransportMailbox``, puts requests on the multi handle with reused easy
/// handles, and turns finished transfers into outcomes. ``CurlLoop`` drives it and it lives on that thread only.
final class CurlMultiHandle {
    /// Shared with the callers.
    let mailbox: TransportMailbox
    /// The transport's settings.
    private let configuration: TransportConfiguration
    /// The combined CA bundle, when an extra CA is trusted.
    private let caBundlePath: String?
    /// The `CURLM *`.
    let multi: UnsafeMutableRawPointer
    /// Easy handles not in use.
    private var idle: [CurlEasyHandle] = []
    /// Transfers on the multi handle, by easy handle.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// Easy handles on the multi handle, by request id.
    private var activeByID: [UInt64: UnsafeMutableRawPointer] = [:]
    /// The default headers in force.
    private var headers = CurlHeaderList(lines: [])
    /// The mailbox generation of ``headers``.
    private var headersGeneration: UInt64 = 0

    /// Creates the multi handle sized to the configuration, or `nil` when libcurl cannot.
    init?(mailbox: TransportMailbox, configuration: TransportConfiguration, caBundlePath: String?) {
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.mailbox = mailbox
        self.configuration = configuration
        self.caBundlePath = caBundlePath
        let connections = configuration.maxConnections
        cg_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, connections)
        cg_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, connections)
    }

    /// Takes everything new from the mailbox: header changes, new requests and cancellations.
    ///
    /// - Returns: `false` when the loop must stop (the new requests are then answered `.cancelled`).
    func takeFromMailbox() -> Bool {
        let batch = mailbox.take(knownGeneration: headersGeneration)
        if let changed = batch.headers {
            headers = CurlHeaderList(lines: changed.lines)
            headersGeneration = changed.generation
        }
        if batch.isStopping {
            for pending in batch.requests { pending.continuation.resume(returning: .failure(.cancelled)) }
            return false
        }
        for pending in batch.requests { start(pending) }
        for id in batch.cancellations { cancel(id) }
        return true
    }

    /// Answers every transfer libcurl reports done.
    func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = cg_multi_msg_result(message)
            finish(handle, code)
        }
    }

    /// Answers everything in flight and everything still queued `.cancelled`, detaches from the mailbox and frees
    /// every handle; the last call on the loop thread.
    func close() {
        for (easy, transfer) in active {
            curl_multi_remove_handle(multi, easy)
            transfer.release()
            mailbox.requestsFailed.add(1, ordering: .relaxed)
            transfer.pending.continuation.resume(returning: .failure(.cancelled))
        }
        active = [:]
        activeByID = [:]
        for pending in mailbox.detach() {
            pending.continuation.resume(returning: .failure(.cancelled))
        }
        idle = []
        curl_multi_cleanup(multi)
    }

    /// Puts a request on the multi handle.
    private func start(_ pending: PendingRequest) {
        let easy: CurlEasyHandle
        if let reused = idle.popLast() {
            easy = reused
        } else if let fresh = CurlEasyHandle(userAgent: configuration.userAgent, caBundlePath: caBundlePath) {
            easy = fresh
        } else {
            fail(pending, .other(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "cannot create a curl handle"))
            return
        }
        let transfer = CurlTransfer(
            pending: pending,
            easy: easy,
            defaults: headers,
            maxResponseBytes: configuration.maxResponseBytes
        )
        let added = curl_multi_add_handle(multi, easy.handle)
        guard added == CURLM_OK else {
            transfer.release()
            idle.append(easy)
            let message = String(cString: curl_multi_strerror(added))
            fail(pending, .other(code: Int(added.rawValue), message: message))
            return
        }
        active[easy.handle] = transfer
        activeByID[pending.id] = easy.handle
    }

    /// Takes a request off the multi handle (closing its connection if mid-transfer) and answers `.cancelled`.
    private func cancel(_ id: UInt64) {
        guard let handle = activeByID.removeValue(forKey: id), let transfer = active.removeValue(forKey: handle)
        else { return }
        curl_multi_remove_handle(multi, handle)
        transfer.release()
        idle.append(transfer.easy)
        fail(transfer.pending, .cancelled)
    }

    /// Turns a finished transfer into its outcome and resumes the caller.
    private func finish(_ handle: UnsafeMutableRawPointer, _ code: CURLcode) {
        guard let transfer = active.removeValue(forKey: handle) else { return }
        activeByID[transfer.pending.id] = nil
        curl_multi_remove_handle(multi, handle)
        var connects = 0
        cg_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        mailbox.connectionsOpened.add(connects, ordering: .relaxed)
        let elapsed = MonotonicClock.now() - transfer.pending.start
        let outcome: Result<HTTPResponse, TransportError>
        if code == CURLE_OK {
            var status = 0
            cg_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            var retryAfter: curl_off_t = 0
            cg_easy_getinfo_off_t(handle, CURLINFO_RETRY_AFTER, &retryAfter)
            let response = HTTPResponse(
                status: status,
                body: transfer.body,
                retryAfter: retryAfter > 0 ? Double(retryAfter) : nil,
                elapsed: elapsed
            )
            outcome = .success(response)
            mailbox.requestsCompleted.add(1, ordering: .relaxed)
        } else {
            outcome = .failure(error(for: code, transfer: transfer))
            mailbox.requestsFailed.add(1, ordering: .relaxed)
        }
        transfer.release()
        idle.append(transfer.easy)
        transfer.pending.continuation.resume(returning: outcome)
    }

    /// Answers a request that never got onto the multi handle.
    private func fail(_ pending: PendingRequest, _ error: TransportError) {
        mailbox.requestsFailed.add(1, ordering: .relaxed)
        pending.continuation.resume(returning: .failure(error))
    }

    /// Maps a libcurl failure to the transport's error.
    private func error(for code: CURLcode, transfer: CurlTransfer) -> TransportError {
        let text = transfer.easy.failureText(code)
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(seconds: transfer.pending.request.timeout)
        case CURLE_COULDNT_CONNECT:
            var osError = 0
            cg_easy_getinfo_long(transfer.easy.handle, CURLINFO_OS_ERRNO, &osError)
            return osError == Int(ECONNREFUSED) ? .connectionRefused : .connectFailed(reason: text)
        case CURLE_GOT_NOTHING:
            return .emptyReply
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            return .connectionReset
        case CURLE_COULDNT_RESOLVE_HOST:
            return .couldNotResolveHost(Self.host(of: transfer.pending.request.url))
        case CURLE_PEER_FAILED_VERIFICATION:
            if text.contains("subject name") || text.contains("does not match") {
                return .tlsHostMismatch(host: Self.host(of: transfer.pending.request.url))
            }
            return .tlsUntrusted
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_CLIENTCERT:
            return .tls(reason: text)
        case CURLE_WRITE_ERROR where transfer.isTooLarge:
            return .responseTooLarge(limit: transfer.maxResponseBytes)
        default:
            return .other(code: Int(code.rawValue), message: text)
        }
    }

    /// The host part of `url`, for messages.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") {
            rest = rest[rest.index(colon, offsetBy: 3)...]
        }
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close])
        }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return String(rest)
    }
}
