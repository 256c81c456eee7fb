import CCurl
import Dispatch
import Foundation
import Synchronization

/// An HTTP/1.1 client on libcurl's multi interface: one dedicated thread drives every request, callers await.
///
/// Connections are kept alive and reused for the whole run (up to ``TransportConfiguration/maxConnections``),
/// redirects are never followed (a 3xx comes back as a response), and TLS is always verified, against the system's
/// CAs plus the configured extra CA.
///
/// ```swift
/// let transport = try CurlTransport(
///     configuration: TransportConfiguration(maxConnections: 64, userAgent: "capsule-gate/1.0"),
///     defaultHeaders: ["Content-Type: application/json", "Authorization: Bearer \(token.value)"]
/// )
/// let result = await transport.send(HTTPRequest(url: url, headers: ["x-correlation-id: 42"], body: body, timeout: 10))
/// ```
///
/// - Important: Call ``shutdown()`` (or drop the last reference) to stop the thread; requests still in flight then
///   complete with ``TransportError/cancelled``.
public final class CurlTransport: Sendable {
    /// The settings it was made with.
    public let configuration: TransportConfiguration
    /// State shared with the loop thread.
    private let mailbox: TransportMailbox
    /// Signalled by the loop thread when it has freed everything.
    private let finished = DispatchSemaphore(value: 0)
    /// Set by the first ``shutdown()``.
    private let isShutDown = Atomic<Bool>(false)
    /// The combined CA bundle file, kept until the transport goes.
    private let caBundle: CABundle?

    /// Starts the transport's thread.
    ///
    /// - Parameters:
    ///   - configuration: Pool size, extra CA, user agent, body cap.
    ///   - defaultHeaders: Header lines sent with every request (`Name: value`), e.g. `Content-Type` and
    ///     `Authorization`; replace them later with ``setDefaultHeaders(_:)``.
    /// - Throws: ``TransportConfigurationError`` when libcurl or the CA bundle cannot be set up.
    public init(
        configuration: TransportConfiguration,
        defaultHeaders: [String] = []
    ) throws(TransportConfigurationError) {
        guard CurlGlobal.isInitialized else { throw .curlSetup(reason: "curl_global_init failed") }
        self.configuration = configuration
        if let extra = configuration.caCertificates {
            caBundle = try CABundle(extra: extra)
        } else {
            caBundle = nil
        }
        let mailbox = TransportMailbox(defaultHeaders: defaultHeaders)
        self.mailbox = mailbox
        guard let runner = CurlLoop(mailbox: mailbox, configuration: configuration, caBundlePath: caBundle?.path)
        else { throw .curlSetup(reason: "curl_multi_init failed") }
        let finished = finished
        let box = LoopBox(runner)
        let thread = Thread {
            box.take()?.run()
            finished.signal()
        }
        thread.name = "capsule-gate-curl"
        thread.start()
    }

    deinit {
        shutdown()
    }

    /// Replaces the header lines sent with every request, from the next request on.
    ///
    /// Use it when the token is re-read (SIGHUP, after a 401); requests already in flight keep the old lines.
    ///
    /// - Parameter headers: Lines of the form `Name: value`.
    public func setDefaultHeaders(_ headers: [String]) {
        mailbox.setDefaultHeaders(headers)
    }

    /// Sends `request` and waits for the answer, the timeout, a failure or cancellation; never throws.
    ///
    /// - Parameter request: What to post, where, and the whole time budget.
    /// - Returns: Any HTTP answer (including 3xx, 4xx and 5xx), or why there was none.
    public func send(_ request: HTTPRequest) async -> Result<HTTPResponse, TransportError> {
        let id = mailbox.nextID()
        let start = MonotonicClock.now()
        let mailbox = mailbox
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                mailbox.submit(PendingRequest(id: id, request: request, start: start, continuation: continuation))
            }
        } onCancel: {
            mailbox.cancel(id)
        }
    }

    /// Connections opened so far (the sum of libcurl's `CURLINFO_NUM_CONNECTS`).
    public var connectionsOpened: Int {
        mailbox.connectionsOpened.load(ordering: .relaxed)
    }

    /// Requests that got an HTTP answer so far.
    public var requestsCompleted: Int {
        mailbox.requestsCompleted.load(ordering: .relaxed)
    }

    /// Requests that failed so far, cancelled ones included.
    public var requestsFailed: Int {
        mailbox.requestsFailed.load(ordering: .relaxed)
    }

    /// Stops the thread and frees every handle.
    ///
    /// Requests in flight complete with ``TransportError/cancelled``, and later ones at once. Waits (milliseconds)
    /// for the thread to finish; safe to call more than once.
    public func shutdown() {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        mailbox.stop()
        finished.wait()
    }
}

/// `curl_global_init`, run once, before the first transport.
private enum CurlGlobal {
    /// Whether libcurl initialised.
    static let isInitialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// Hands the loop, made on the caller's thread, to the loop thread, which becomes its only user.
///
/// A lock box: the loop sits behind a `Mutex` and is taken out exactly once.
private final class LoopBox: Sendable {
    /// The loop until the thread takes it.
    private let loop: Mutex<CurlLoop?>

    /// Boxes `loop`.
    init(_ loop: sending CurlLoop) {
        self.loop = Mutex(loop)
    }

    /// The loop, once.
    func take() -> CurlLoop? {
        loop.withLock { loop in
            let taken = loop
            loop = nil
            return taken
        }
    }
}
