import CCurl

/// One request on its way through the loop: the handle it uses, its headers, and the answer collected so far.
///
/// Lives on the loop thread only; libcurl reaches it through `CURLOPT_WRITEDATA` while the loop keeps it alive.
final class CurlTransfer {
    /// The caller's request and continuation.
    let pending: PendingRequest
    /// The easy handle carrying it.
    let easy: CurlEasyHandle
    /// The default headers in force when it started, kept alive for the transfer.
    let defaults: CurlHeaderList
    /// The request's own header nodes (linked in front of `defaults`), or `nil`.
    private var extraHead: UnsafeMutablePointer<curl_slist>?
    /// The last of the request's own header nodes, whose `next` points into `defaults`.
    private var extraTail: UnsafeMutablePointer<curl_slist>?
    /// The response body so far.
    private(set) var body: [UInt8] = []
    /// The body cap in bytes.
    let maxResponseBytes: Int
    /// Set when the body went over the cap and the write was refused.
    private(set) var isTooLarge = false

    /// Prepares `easy` for `pending`'s request: every per-request option is set here.
    init(pending: PendingRequest, easy: CurlEasyHandle, defaults: CurlHeaderList, maxResponseBytes: Int) {
        self.pending = pending
        self.easy = easy
        self.defaults = defaults
        self.maxResponseBytes = maxResponseBytes
        let handle = easy.handle
        let request = pending.request
        for line in request.headers {
            guard let node = curl_slist_append(nil, line) else { continue }
            if let tail = extraTail { tail.pointee.next = node } else { extraHead = node }
            extraTail = node
        }
        extraTail?.pointee.next = defaults.head
        easy.errorBuffer[0] = 0
        cg_easy_setopt_string(handle, CURLOPT_URL, request.url)
        cg_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, extraHead ?? defaults.head)
        cg_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
        if request.body.isEmpty {
            cg_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
        } else {
            request.body.withUnsafeBytes { bytes in
                _ = cg_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress)
            }
        }
        let milliseconds = max(1, (request.timeout * 1000).rounded(.up))
        cg_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds < 1e12 ? Int(milliseconds) : Int(1e12))
        cg_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        extraTail?.pointee.next = nil
        curl_slist_free_all(extraHead)
    }

    /// Appends a body chunk, or refuses it (returning 0, which fails the transfer) past the cap.
    func receive(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard body.count + chunk.count <= maxResponseBytes else {
            isTooLarge = true
            return 0
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    /// Detaches libcurl from this transfer's memory once it is off the multi handle.
    func release() {
        cg_easy_setopt_pointer(easy.handle, CURLOPT_WRITEDATA, nil)
        cg_easy_setopt_slist(easy.handle, CURLOPT_HTTPHEADER, nil)
    }
}
