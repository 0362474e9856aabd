#!/usr/bin/python3
"""Builds the account, container and object rings of an all-in-one test Swift, one local
device each, in a single Python start (swift-ring-builder would need nine).

usage: build-rings.py ETC_DIR ACCOUNT_PORT CONTAINER_PORT OBJECT_PORT
"""
import sys

from swift.common.ring import RingBuilder

etc_dir = sys.argv[1]
ports = dict(zip(('account', 'container', 'object'), map(int, sys.argv[2:5])))
for name, port in ports.items():
    # 2^6 partitions, 1 replica: plenty for one device, and rebalances in milliseconds
    builder = RingBuilder(6, 1, 1)
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port,
                     'device': 'd1', 'weight': 1})
    builder.rebalance()
    builder.get_ring().save(f'{etc_dir}/{name}.ring.gz')
