-- wrk script: POST one ~450-byte tool_invocation event with the bearer token from CAPSULE_TOKEN.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("CAPSULE_TOKEN") or "")
wrk.body = '{"event_type":"tool_invocation","session_id":"sess-abc123","timestamp":"2026-03-03T10:30:00Z",'
    .. '"agent":{"id":"support-agent","name":"Customer Support Agent"},"user":{"email":"user@example.com"},'
    .. '"tool":{"name":"database_query","input":{"query":"SELECT id, email, total FROM orders WHERE region = $1 '
    .. 'AND created_at > $2 LIMIT 50","params":["eu-west-1","2026-02-01T00:00:00Z"],"options":{"timeout_ms":3000,'
    .. '"read_only":true,"explain":false}}},"correlation_id":"wrk-0001"}'
