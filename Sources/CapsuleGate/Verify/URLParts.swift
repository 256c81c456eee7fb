/// The host, `HOST:PORT` and path of an endpoint URL, for messages that name where a request went.
struct URLParts: Sendable, Hashable {
    /// The host as written, with brackets for IPv6 (`[::1]`).
    var host: String
    /// `HOST:PORT`, with the scheme's default port (443 or 80) when the URL names none.
    var authority: String
    /// The path with any query, or `/` when the URL has none.
    var path: String
    /// `SCHEME://AUTHORITY` as written, without the path (`https://capsule.example.com`).
    var origin: String

    /// Splits an absolute `http` or `https` URL (as ``Endpoint/url`` holds it).
    init(_ url: String) {
        let isTLS = url.lowercased().hasPrefix("https://")
        let rest = url.firstRange(of: "://").map { url[$0.upperBound...] } ?? url[...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<end]
        path = end == rest.endIndex ? "/" : String(rest[end...])
        origin = String(url[..<end])
        let hostEnd: Substring.Index
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            hostEnd = authority.index(after: close)
        } else {
            hostEnd = authority.firstIndex(of: ":") ?? authority.endIndex
        }
        host = String(authority[..<hostEnd])
        let port = authority[hostEnd...].dropFirst()
        self.authority = host + ":" + (port.isEmpty ? (isTLS ? "443" : "80") : String(port))
    }
}
