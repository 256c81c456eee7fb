import CCurl

/// The default header lines as one libcurl list, built once per change and shared by every request using it.
///
/// A request with extra headers links its own nodes in front of this list (see ``CurlTransfer``), so the shared lines
/// are never copied per request. The list is freed when the last request using it has finished.
final class CurlHeaderList {
    /// The first node, or `nil` for no headers.
    let head: UnsafeMutablePointer<curl_slist>?

    /// Builds the list from `lines`, always adding an empty `Expect:` so that libcurl never waits for a
    /// `100 Continue` before sending a body larger than 1 KiB.
    init(lines: [String]) {
        var head: UnsafeMutablePointer<curl_slist>?
        for line in lines + ["Expect:"] {
            if let next = curl_slist_append(head, line) { head = next }
        }
        self.head = head
    }

    deinit {
        curl_slist_free_all(head)
    }
}
