"""Serves a benchmark estate: moto in this process, the estate built in bulk through boto3 in process (no HTTP per
create call, so the 100x estate takes a minute instead of twenty), then moto's own HTTP server on the same state.

Usage: estate_server.py PORT SIZE OUT_DIR
Prints one JSON line {"port", "size", "setupSeconds"} when the estate is ready and served, then serves until killed.
"""
import json
import os
import sys
import time

os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "secret")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from moto import mock_aws  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

import environment  # noqa: E402


def main():
    port, size, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    started = time.monotonic()
    with mock_aws():
        environment.build(None, size, out)
        setup = round(time.monotonic() - started, 1)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        print(json.dumps({"port": port, "size": size, "setupSeconds": setup}), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.stop()


if __name__ == "__main__":
    main()
