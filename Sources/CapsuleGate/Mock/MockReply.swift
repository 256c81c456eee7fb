/// The mock's answer to one request, decided before any I/O.
public struct MockReply: Sendable, Hashable {
    /// The status, or `nil` when the request is black-holed (never answered).
    public var status: Int?
    /// The body answered (empty for 202 and black holes).
    public var body: [UInt8]
    /// Extra header lines, each `Name: value`, such as `Allow: POST` on a 405.
    public var extraHeaders: [String]
    /// How long to wait, from when the request was read, before answering.
    public var delayNanoseconds: UInt64
    /// Whether the request body passed validation (so it is known to be valid JSON).
    public var isValidEvent: Bool

    /// Creates a reply.
    public init(
        status: Int?,
        body: [UInt8] = [],
        extraHeaders: [String] = [],
        delayNanoseconds: UInt64 = 0,
        isValidEvent: Bool = false
    ) {
        self.status = status
        self.body = body
        self.extraHeaders = extraHeaders
        self.delayNanoseconds = delayNanoseconds
        self.isValidEvent = isValidEvent
    }

    /// Whether the request is never answered.
    public var isBlackholed: Bool { status == nil }
}
