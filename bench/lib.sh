# Shared helpers for bench/run.sh and bench/profile.sh (sourced, not run).
# Everything listens on 127.0.0.1 only; every process started here is stopped by bench_cleanup.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_OUT="${BENCH_OUT:-$BENCH_DIR/out}"
WEBHOOK_PATH=/v1/generic-webhook/hooks/events
ALLOW_JSON='{"apiVersion":"1","response":{"action":"allow"}}'
BENCH_PIDS=()
NGINX_DIR=""

# Print a progress line on stderr.
say() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

# Print a free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Install a Debian package when a command is missing (root with apt only); fail with a clear message otherwise.
need_command() {
    local cmd="$1" pkgs="$2"
    command -v "$cmd" >/dev/null 2>&1 && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        say "installing $pkgs (for $cmd)"
        local p
        for p in $pkgs; do
            apt-get install -y -qq "$p" >/dev/null 2>&1 \
                || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$p" >/dev/null 2>&1; } \
                && command -v "$cmd" >/dev/null 2>&1 && return 0
        done
    fi
    PATH="$PATH:/usr/sbin" command -v "$cmd" >/dev/null 2>&1 && return 0
    say "error: '$cmd' is missing; install one of: $pkgs"
    return 1
}

# Make a test CA and a server certificate for IP 127.0.0.1 in directory $1 (ca.pem, server.pem, server.key).
make_certs() {
    local dir="$1"
    mkdir -p "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=capsule-gate bench CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' \
        >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 2 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
}

# Start nginx from directory $1 with HTTP on port $2 and HTTPS on port $3 (certificates from make_certs in $1).
# Both answer POST $WEBHOOK_PATH with the allow JSON and log "$connection $connection_requests $status" per
# request to http.log / https.log, which is how the bench counts requests and connections at the server.
nginx_start() {
    local dir="$1" http_port="$2" https_port="$3"
    mkdir -p "$dir/tmp"
    : >"$dir/http.log"
    : >"$dir/https.log"
    cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    log_format bench '\$connection \$connection_requests \$status \$request_length';
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    client_body_buffer_size 64k;
    client_max_body_size 4m;
    server {
        listen 127.0.0.1:$http_port backlog=4096;
        access_log $dir/http.log bench;
        location = $WEBHOOK_PATH {
            default_type application/json;
            return 200 '$ALLOW_JSON';
        }
        location / { return 404; }
    }
    server {
        listen 127.0.0.1:$https_port ssl backlog=4096;
        ssl_certificate $dir/server.pem;
        ssl_certificate_key $dir/server.key;
        access_log $dir/https.log bench;
        location = $WEBHOOK_PATH {
            default_type application/json;
            return 200 '$ALLOW_JSON';
        }
        location / { return 404; }
    }
}
EOF
    local nginx_bin
    nginx_bin="$(PATH="$PATH:/usr/sbin" command -v nginx)"
    "$nginx_bin" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" || return 1
    NGINX_DIR="$dir"
    NGINX_BIN="$nginx_bin"
    local i
    for i in $(seq 50); do
        curl -s -o /dev/null -X POST "http://127.0.0.1:$http_port$WEBHOOK_PATH" -d '{}' && return 0
        sleep 0.1
    done
    say "error: nginx did not answer on 127.0.0.1:$http_port"
    return 1
}

# Stop the nginx started by nginx_start, if any.
nginx_stop() {
    if [ -n "$NGINX_DIR" ] && [ -f "$NGINX_DIR/nginx.pid" ]; then
        "$NGINX_BIN" -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" -c "$NGINX_DIR/nginx.conf" -s stop 2>/dev/null || true
        local i
        for i in $(seq 30); do [ -f "$NGINX_DIR/nginx.pid" ] || break; sleep 0.1; done
    fi
    NGINX_DIR=""
}

# Start `capsule-gate mock` (binary $1) with the remaining arguments on a free port; sets MOCK_URL and MOCK_PID.
mock_start() {
    local bin="$1"
    shift
    local out
    out="$(mktemp "$BENCH_OUT/mock.XXXXXX")"
    "$bin" mock --port 0 "$@" >"$out" 2>"$out.err" &
    MOCK_PID=$!
    BENCH_PIDS+=("$MOCK_PID")
    local i
    for i in $(seq 100); do
        MOCK_URL="$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$out" | head -n 1)"
        [ -n "$MOCK_URL" ] && return 0
        kill -0 "$MOCK_PID" 2>/dev/null || break
        sleep 0.05
    done
    say "error: capsule-gate mock did not print its address: $(head -c 300 "$out.err")"
    return 1
}

# Stop the mock started last by mock_start.
mock_stop() {
    if [ -n "${MOCK_PID:-}" ]; then
        kill -TERM "$MOCK_PID" 2>/dev/null || true
        wait "$MOCK_PID" 2>/dev/null || true
        MOCK_PID=""
    fi
}

# Stop everything this script started (installed as the EXIT trap).
bench_cleanup() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    nginx_stop
}
