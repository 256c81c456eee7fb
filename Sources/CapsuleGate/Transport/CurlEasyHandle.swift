import CCurl

/// One libcurl easy handle with its error buffer, reused across requests by the loop thread only.
///
/// Options that never change are set once here; the loop sets every per-request option on each use, so the handle
/// needs no `curl_easy_reset` between requests.
final class CurlEasyHandle {
    /// The `CURL *`.
    let handle: UnsafeMutableRawPointer
    /// libcurl writes its failure text here (`CURLOPT_ERRORBUFFER`); it never holds request headers.
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates a handle with the options every request shares, or `nil` when libcurl cannot.
    init?(userAgent: String, caBundlePath: String?) {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        cg_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        cg_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        cg_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        cg_easy_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        cg_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        cg_easy_setopt_long(handle, CURLOPT_POST, 1)
        cg_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        cg_easy_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
        cg_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        cg_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundlePath {
            cg_easy_setopt_string(handle, CURLOPT_CAINFO, caBundlePath)
        }
        cg_easy_setopt_write_function(handle, curlWriteCallback)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// libcurl's text for the last failure, or the generic text for `code` when it left none.
    func failureText(_ code: CURLcode) -> String {
        if errorBuffer[0] != 0 {
            var text = String(cString: errorBuffer)
            while text.last == "\n" { text.removeLast() }
            return text
        }
        return String(cString: curl_easy_strerror(code))
    }
}

/// `CURLOPT_WRITEFUNCTION`: appends a body chunk to the transfer passed as `CURLOPT_WRITEDATA`.
private func curlWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.receive(UnsafeRawBufferPointer(start: data, count: size * count))
}
