"""A reverse proxy in front of moto that adds a fixed latency to every AWS call and counts them.

Every request waits LATENCY_MS before it is forwarded (what a region's round trip costs a real client), then goes to
moto byte for byte. Three APIs moto lacks are answered here in the AWS API reference's shapes: IAM
SimulatePrincipalPolicy (decided from the grants the estate made, in estate.json), ECR Public DescribeRepositories
(an account without public repositories) and EC2 DescribeClientVpnEndpoints (an account without Client VPN endpoints;
moto answers it with a 500, which the tool would retry and record as a failure no real account shows). Counts per service and operation, and the time moto spent answering, are served at GET
/__bench/counts and cleared by POST /__bench/reset, with how many requests were in flight at once over the run (the
time spent at each count, from the first request to the last answer): whether the collector keeps its limit of calls
in flight full.

Every answer moto gives is recorded by request (path and body). After POST /__bench/replay a request the recording holds
is answered from it, after the same latency, without moto: moto is one Python process that serves one request at a
time, so a second run served from the recording measures the collector against the latency alone (what a region
that answers in parallel costs), which moto's own service time hides. Counts include replayed requests; misses (a
request the first run did not make) still go to moto and are counted apart.

Usage: latency_proxy.py LISTEN_PORT UPSTREAM_URL LATENCY_MS ESTATE_JSON
"""
import http.client
import ipaddress
import json
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "content-length", "host"}


class State:
    def __init__(self, upstream, latency, grants):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.latency = latency
        self.grants = grants
        self.counts = Counter()
        self.upstream_seconds = 0.0
        self.recording = {}
        self.replay = False
        self.misses = 0
        self.lock = threading.Lock()
        self.local = threading.local()
        self.in_flight = 0
        self.changed = None
        self.at_level = Counter()
        self.timeline = []

    def count(self, service, operation):
        with self.lock:
            self.counts[f"{service}:{operation}"] += 1

    def flight(self, delta):
        """One request more (1) or fewer (-1) in flight: the time since the last change is added to the count it had."""
        with self.lock:
            now = time.monotonic()
            if self.changed is not None:
                self.at_level[self.in_flight] += now - self.changed
            self.changed = now
            self.in_flight += delta

    def concurrency(self):
        """Seconds spent with N requests in flight, and the mean while any was (time with none is not the collector's)."""
        busy = sum(t for n, t in self.at_level.items() if n > 0)
        mean = sum(n * t for n, t in self.at_level.items()) / busy if busy else 0
        return {"secondsAt": {str(n): round(t, 3) for n, t in sorted(self.at_level.items())}, "busySeconds": round(busy, 3),
                "meanInFlight": round(mean, 2), "maxInFlight": max((n for n in self.at_level if n > 0), default=0)}

    def connection(self):
        if getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=600)
        return self.local.connection


def identify(headers, body, query):
    """(service, operation) as the service reads them: the SigV4 scope's service, X-Amz-Target or Action."""
    service = ""
    auth = headers.get("Authorization", "")
    if "Credential=" in auth:
        scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
        service = scope[3] if len(scope) >= 5 else ""
    target = headers.get("X-Amz-Target")
    if target:
        return service, target.rsplit(".", 1)[-1]
    form = urllib.parse.parse_qs(body.decode("utf-8", "replace")) if body else {}
    action = (form.get("Action") or urllib.parse.parse_qs(query).get("Action") or [""])[0]
    return service, action


def simulate(grants, body):
    form = urllib.parse.parse_qs(body.decode())
    principal = form["PolicySourceArn"][0]
    user = principal.rsplit("/", 1)[-1]
    resource = form.get("ResourceArns.member.1", ["*"])[0]
    address = ipaddress.ip_network(form["ContextEntries.member.1.ContextKeyValues.member.1"][0], strict=False)
    results = []
    i = 1
    while f"ActionNames.member.{i}" in form:
        action = form[f"ActionNames.member.{i}"][0]
        sources = grants.get(user, {}).get(action, [])
        allowed = any(address.subnet_of(ipaddress.ip_network(s)) for s in sources if ipaddress.ip_network(s).version == address.version)
        decision = "allowed" if allowed else "implicitDeny"
        results.append(
            f"<member><EvalActionName>{escape(action)}</EvalActionName><EvalResourceName>{escape(resource)}</EvalResourceName>"
            f"<EvalDecision>{decision}</EvalDecision><MatchedStatements/><MissingContextValues/>"
            f"<ResourceSpecificResults><member><EvalResourceName>{escape(resource)}</EvalResourceName>"
            f"<EvalResourceDecision>{decision}</EvalResourceDecision><MatchedStatements/><MissingContextValues/></member></ResourceSpecificResults></member>")
        i += 1
    return ("text/xml", f'<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult>'
            f"<IsTruncated>false</IsTruncated><EvaluationResults>{''.join(results)}</EvaluationResults></SimulatePrincipalPolicyResult>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>")


def handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _send(self, status, content_type, body, headers=()):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _handle(self):
            if self.path.startswith("/__bench/"):
                return self._answer()
            state.flight(1)
            started = time.monotonic()
            try:
                return self._answer()
            finally:
                state.flight(-1)
                with state.lock:
                    state.timeline.append([round(started, 4), round(time.monotonic(), 4), getattr(self, "operation", "")])

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            if path.startswith("/__bench/"):
                with state.lock:
                    if path in ("/__bench/reset", "/__bench/replay"):
                        state.counts.clear()
                        state.upstream_seconds = 0.0
                        state.misses = 0
                        state.at_level.clear()
                        state.changed = None
                        state.replay = path == "/__bench/replay"
                        state.timeline = []
                    report = {"counts": dict(state.counts), "upstreamSeconds": round(state.upstream_seconds, 3), "replayMisses": state.misses,
                              "concurrency": state.concurrency(), "timeline": state.timeline}
                return self._send(200, "application/json", json.dumps(report))
            service, operation = identify(self.headers, body, query)
            self.operation = f"{service}:{operation}"
            state.count(service, operation)
            if state.latency:
                time.sleep(state.latency)
            if service == "iam" and operation == "SimulatePrincipalPolicy":
                return self._send(200, *simulate(state.grants, body))
            if service == "ecr-public" and operation == "DescribeRepositories":
                return self._send(200, "application/x-amz-json-1.1", '{"repositories": []}', [("x-amzn-RequestId", str(uuid.uuid4()))])
            if service == "ec2" and operation == "DescribeClientVpnEndpoints":
                return self._send(200, "text/xml;charset=UTF-8", '<DescribeClientVpnEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                                  f"<requestId>{uuid.uuid4()}</requestId><clientVpnEndpoint/></DescribeClientVpnEndpointsResponse>")
            # JSON-protocol services share a path ("/") and often a body ("{}"): the operation tells their requests apart.
            key = (service, operation, self.command, self.path, body)
            recorded = state.recording.get(key) if state.replay else None
            if recorded is not None:
                return self._send(recorded[0], recorded[1], recorded[2], [("x-amzn-RequestId", str(uuid.uuid4()))])
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Host"] = self.headers.get("Host", "")
            started = time.monotonic()
            for attempt in range(2):
                connection = state.connection()
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                    break
                except (http.client.HTTPException, ConnectionError):
                    connection.close()
                    state.local.connection = None
                    if attempt == 1:
                        return self._send(502, "text/plain", "latency proxy: upstream failed")
            with state.lock:
                state.upstream_seconds += time.monotonic() - started
                state.misses += state.replay
                if response.status == 200:
                    state.recording[key] = (response.status, response.getheader("Content-Type", "text/xml"), data)
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    return Handler


def main():
    port, upstream, latency_ms, estate = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
    with open(estate) as f:
        grants = json.load(f)["gitlab"]["grants"]
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(State(upstream, latency_ms / 1000, grants)))
    server.daemon_threads = True
    print(json.dumps({"port": port}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
