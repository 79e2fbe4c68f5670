#!/usr/bin/env python3
"""A canned-answer Kafka Connect REST server for bench/canned: N connectors (default 1000), the
answers built once at start, so the benchmark measures the client (kcsh or curl), not a worker.

  bench/canned_connect.py PORT [N]     # serves on 127.0.0.1:PORT until killed

Answers GET / (version), GET /connectors (names) and GET /connectors?expand=status&expand=info
(what SHOW CONNECTORS asks, in Connect 4.x's shape); anything else gets Connect's JSON 404.
Not a test fake: the integration tests use tests/it/harness/fake_connect.rs.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
names = ["bench-%04d" % i for i in range(1, n + 1)]


def connector(i, name):
    source = i % 2 == 0
    cls = "FileStreamSource" if source else "FileStreamSink"
    config = {"connector.class": "org.apache.kafka.connect.file.%sConnector" % cls,
              "tasks.max": "1", "file": "/tmp/%s.txt" % name, "name": name}
    config["topic" if source else "topics"] = "bench-topic-%d" % (i % 50)
    state = ["RUNNING", "PAUSED", "STOPPED", "FAILED"][i % 4]
    tasks = [] if state == "STOPPED" else [
        {"id": 0, "state": state, "worker_id": "127.0.0.1:8083"}]
    return {
        "status": {"name": name, "connector": {"state": state, "worker_id": "127.0.0.1:8083"},
                   "tasks": tasks, "type": "source" if source else "sink"},
        "info": {"name": name, "config": config,
                 "tasks": [{"connector": name, "task": 0}] if tasks else [],
                 "type": "source" if source else "sink"},
    }


ANSWERS = {
    "/": json.dumps({"version": "4.3.0", "commit": "a9ce3221537b8653",
                     "kafka_cluster_id": "benchBenchBenchBench00"}).encode(),
    "/connectors": json.dumps(names).encode(),
    "/connectors?expand=status&expand=info":
        json.dumps({name: connector(i, name) for i, name in enumerate(names)}).encode(),
}
NOT_FOUND = b'{"error_code":404,"message":"HTTP 404 Not Found"}'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = ANSWERS.get(self.path)
        self.send_response(200 if body is not None else 404)
        body = body if body is not None else NOT_FOUND
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
