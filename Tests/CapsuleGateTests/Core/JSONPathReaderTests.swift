import Testing

@testable import CapsuleGate

@Suite struct JSONPathReaderTests {
    @Test(
        arguments: [
            (#"{"apiVersion":"1","response":{"action":"allow"}}"#, ["response", "action"], "allow"),
            (
                #"{"apiVersion":"1","response":{"action":"block","reason":"Policy violation: \"users\" \u00e9"}}"#,
                ["response", "reason"], "Policy violation: \"users\" é"
            ),
            (
                #" { "x" : [1, {"response": "no"}, "]"], "response" : { "r\u0065ason" : "r", "action" : "block" } } "#,
                ["response", "action"], "block"
            ),
            (
                #"{"error":"tool.name: expected a non-empty string","field":"tool.name"}"#, ["error"],
                "tool.name: expected a non-empty string"
            ),
            (#"{"response":{"action":"allow","action":"block"}}"#, ["response", "action"], "allow"),
        ] as [(String, [String], String?)]
    )
    func readsStringsAtAPath(document: String, path: [String], expected: String?) {
        let value = JSONPathReader.string(at: path, in: Array(document.utf8))
        #expect(value == expected)
    }

    @Test(arguments: [
        (#"{"response":{"action":1}}"#, ["response", "action"]),
        (#"{"response":"allow"}"#, ["response", "action"]),
        (#"{"response":{}}"#, ["response", "action"]),
        (#"{"response":{"action":"allow"}"#, ["response", "action"]),
        (#"{"response":{"action":"allow"}} trailing"#, ["response", "action"]),
        (#"["response"]"#, ["response"]),
        ("", ["response"]),
        ("<html>bad gateway</html>", ["response"]),
    ])
    func returnsNilForAnythingElse(document: String, path: [String]) {
        #expect(JSONPathReader.string(at: path, in: Array(document.utf8)) == nil)
    }

    @Test func returnsRawValueRanges() {
        let document = Array(#"{"a":{"b":[1,{"c":"}"}],"d":1e999}}"#.utf8)
        let range = document.withUnsafeBytes { JSONPathReader.valueRange(at: ["a", "b"], in: $0) }
        #expect(range.map { String(decoding: document[$0], as: UTF8.self) } == #"[1,{"c":"}"}]"#)
        let number = document.withUnsafeBytes { JSONPathReader.valueRange(at: ["a", "d"], in: $0) }
        #expect(number.map { String(decoding: document[$0], as: UTF8.self) } == "1e999")
    }
}
