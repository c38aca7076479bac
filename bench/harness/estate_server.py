"""Serves a benchmark estate: moto in this process, the estate built in bulk through boto3 in process (no HTTP per
create call, so the 100x estate takes a minute instead of twenty), then moto's own HTTP server on the same state.

Usage: estate_server.py PORT SIZE OUT_DIR
Prints one JSON line {"port", "size", "setupSeconds"} when the estate is ready and served, then serves until killed.
"""
import ipaddress
import json
import os
import random
import sys
import time

os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "secret")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from moto import mock_aws  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

import environment  # noqa: E402


def endpoint_interfaces_as_aws_makes_them():
    """moto gives interface endpoints' network interfaces random 10.x addresses and the default security group; AWS
    takes the address from the subnet and gives the interface the endpoint's groups."""
    from moto.ec2.models import ec2_backends
    backend = ec2_backends[environment.ACCOUNT][environment.REGION]
    for endpoint in backend.vpc_end_points.values():
        groups = [backend.get_security_group_from_id(g) for g in endpoint.security_group_ids]
        for eni_id in endpoint.network_interface_ids:
            backend.enis[eni_id]._group_set = groups
    for eni in backend.enis.values():
        subnet = ipaddress.ip_network(eni.subnet.cidr_block)
        if ipaddress.ip_address(eni.private_ip_address) not in subnet:
            address = str(subnet.network_address + random.randint(4, subnet.num_addresses - 2))
            eni.private_ip_address = address
            eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": address}]


def main():
    port, size, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    started = time.monotonic()
    with mock_aws():
        environment.build(None, size, out)
        endpoint_interfaces_as_aws_makes_them()
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
