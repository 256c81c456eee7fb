extension PreparedEvent {
    /// The line to append to the spool file: the body with `"correlation_id":"<id>"` as its first member, and `\n`.
    ///
    /// Feeding a spool file back through the filter sends the same body under the same correlation id, since
    /// ``EventPreparer`` cuts the member out again.
    public func spoolLine() -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(body.count + correlationID.utf8.count + 24)
        guard let open = body.firstIndex(of: UInt8(ascii: "{")) else {
            line.append(contentsOf: body)
            line.append(0x0A)
            return line
        }
        line.append(contentsOf: body[...open])
        JSONWriter.appendASCII(#""correlation_id":"#, to: &line)
        JSONWriter.appendString(correlationID, to: &line)
        let rest = body[(open + 1)...]
        let isEmpty = rest.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } == UInt8(ascii: "}")
        if !isEmpty { line.append(UInt8(ascii: ",")) }
        line.append(contentsOf: rest)
        line.append(0x0A)
        return line
    }
}
