#!/usr/bin/env python3
"""sofdir-server seen by an independent gRPC client: Python's grpcio.

Compiles proto/sof/directory/v1/*.proto with `protoc --python_out` (message
classes only; calls go through grpc's generic unary_unary/unary_stream, so
no grpc_tools plugin is needed), starts a fresh sofdir-server on
127.0.0.1:0 with the demo directory, and checks:
  GetRecord      unit-0001 has the name the demo file gives it
  SearchEntries  "botilbud" finds results, each with an id that GetRecord knows
  ListChanges    since 0, the sequences are exactly 1..last_sequence
  WatchChanges   since last-2 replays the last two changes, then streams a
                 CreateRecord made by this client while the stream is open
Every call carries ('authorization', 'Bearer TOKEN') when --token or
SOFDIR_TEST_TOKEN gives a token (a server without auth ignores it).

Exit codes: 0 pass, 1 a check or call failed, 77 skipped (no grpc or
protobuf module for this python, or no protoc), 2 bad arguments.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testing"))
from sofdir_server import ServerProcess, ServerStartError  # noqa: E402

SKIP = 77
SERVICE = "/sof.directory.v1.DirectoryService/"
CALL_TIMEOUT = 15  # seconds per unary call


class Failure(Exception):
    """A check that did not hold."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-binary", required=True, help="path of sofdir-server")
    ap.add_argument("--source-dir", required=True,
                    help="the sofdir repository (proto/ and data/ are read from it)")
    ap.add_argument("--token", default=os.environ.get("SOFDIR_TEST_TOKEN", ""),
                    help="bearer token sent on every call (default: $SOFDIR_TEST_TOKEN)")
    ap.add_argument("--server-arg", action="append", default=[],
                    help="extra argument for sofdir-server, e.g. --server-arg=--auth-config=F "
                         "(repeatable)")
    return ap.parse_args()


def compile_protos(source_dir, out_dir):
    """protoc --python_out for every proto of the API; returns the out dir."""
    protoc = shutil.which("protoc")
    if protoc is None:
        print("interop: SKIP: protoc is not installed")
        sys.exit(SKIP)
    proto_root = os.path.join(source_dir, "proto")
    protos = sorted(glob.glob(os.path.join(proto_root, "sof", "directory", "v1", "*.proto")))
    # The google.api.http annotations the service's protos import.
    protos += sorted(glob.glob(os.path.join(proto_root, "google", "api", "*.proto")))
    check(protos, "no .proto files under %s" % proto_root)
    command = [protoc, "-I", proto_root]
    # The well-known types (empty, timestamp, field_mask), when protoc does
    # not have them built in.
    if os.path.exists("/usr/include/google/protobuf/empty.proto"):
        command += ["-I", "/usr/include"]
    os.makedirs(out_dir, exist_ok=True)
    command += ["--python_out=" + out_dir] + protos
    result = subprocess.run(command, capture_output=True, text=True)
    check(result.returncode == 0, "protoc failed: %s" % result.stderr.strip())
    return out_dir


def demo_name(source_dir, record_id):
    with open(os.path.join(source_dir, "data", "demo-directory.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                if record.get("id") == record_id:
                    return record["name"]
    raise Failure("%s is not in data/demo-directory.jsonl" % record_id)


def run_checks(grpc, channel, metadata, source_dir):
    from sof.directory.v1 import directory_service_pb2 as service
    from sof.directory.v1 import records_pb2 as records

    def unary(method, request_class, response_class):
        call = channel.unary_unary(SERVICE + method,
                                   request_serializer=request_class.SerializeToString,
                                   response_deserializer=response_class.FromString)

        def invoke(request):
            try:
                return call(request, metadata=metadata, timeout=CALL_TIMEOUT)
            except grpc.RpcError as error:
                raise Failure("%s failed with %s: %s" % (method, error.code(), error.details()))
        return invoke

    get_record = unary("GetRecord", service.GetRecordRequest, records.Record)
    search = unary("SearchEntries", service.SearchEntriesRequest, service.SearchEntriesResponse)
    list_changes = unary("ListChanges", service.ListChangesRequest, service.ListChangesResponse)
    create_record = unary("CreateRecord", service.CreateRecordRequest, records.Record)
    watch_changes = channel.unary_stream(SERVICE + "WatchChanges",
                                         request_serializer=service.WatchChangesRequest.SerializeToString,
                                         response_deserializer=service.Change.FromString)

    # GetRecord
    unit = get_record(service.GetRecordRequest(id="unit-0001"))
    check(unit.WhichOneof("kind") == "unit", "GetRecord unit-0001: kind is %s, not unit" %
          unit.WhichOneof("kind"))
    expected = demo_name(source_dir, "unit-0001")
    check(unit.unit.name == expected,
          "GetRecord unit-0001: name %r, the demo file says %r" % (unit.unit.name, expected))
    check(unit.etag and unit.create_sequence > 0, "GetRecord unit-0001: no etag or sequence")
    print("interop: GetRecord unit-0001 -> %r" % unit.unit.name)

    # SearchEntries
    found = search(service.SearchEntriesRequest(query="botilbud", page_size=20))
    check(len(found.results) > 0, "SearchEntries botilbud: no results")
    check(all(result.id for result in found.results), "SearchEntries botilbud: a result without id")
    first = get_record(service.GetRecordRequest(id=found.results[0].id))
    check(first.WhichOneof("kind") is not None,
          "SearchEntries botilbud: GetRecord of the first result %s is empty" % found.results[0].id)
    print("interop: SearchEntries botilbud -> %d results (total %d), first %s" %
          (len(found.results), found.total_size, found.results[0].id))

    # ListChanges, page by page from 0
    sequences = []
    last_sequence = None
    since = 0
    while True:
        page = list_changes(service.ListChangesRequest(since_sequence=since, page_size=1000))
        last_sequence = page.last_sequence
        if not page.changes:
            break
        sequences.extend(change.sequence for change in page.changes)
        since = page.changes[-1].sequence
        if since >= last_sequence:
            break
    check(last_sequence and last_sequence > 2, "ListChanges: last_sequence %s" % last_sequence)
    check(sequences == list(range(1, last_sequence + 1)),
          "ListChanges: sequences are not 1..%d without gaps (got %d, first %s, last %s)" %
          (last_sequence, len(sequences), sequences[:3], sequences[-3:]))
    print("interop: ListChanges since 0 -> sequences 1..%d, no gaps" % last_sequence)

    # WatchChanges: replay of the last two, then a change made while watching.
    new_id = "unit-interop-%d" % os.getpid()
    stream = watch_changes(service.WatchChangesRequest(since_sequence=last_sequence - 2),
                           metadata=metadata, timeout=60)
    try:
        replayed = [next(stream), next(stream)]
        check([c.sequence for c in replayed] == [last_sequence - 1, last_sequence],
              "WatchChanges since %d: replayed %s" %
              (last_sequence - 2, [c.sequence for c in replayed]))
        created = create_record(service.CreateRecordRequest(record=records.Record(
            unit=records.Unit(id=new_id, name="Interop testenhed", parent_id="unit-0001",
                              area="Handicap"))))
        check(created.unit.id == new_id and created.create_sequence == last_sequence + 1,
              "CreateRecord %s: got id %s at sequence %d, expected sequence %d" %
              (new_id, created.unit.id, created.create_sequence, last_sequence + 1))
        live = next(stream)
        check(live.sequence == last_sequence + 1 and live.id == new_id and
              live.type == service.CHANGE_CREATED and live.record.unit.parent_id == "unit-0001",
              "WatchChanges: expected the creation of %s at %d, got %s %s at %d" %
              (new_id, last_sequence + 1, service.ChangeType.Name(live.type), live.id,
               live.sequence))
    except grpc.RpcError as error:
        raise Failure("WatchChanges failed with %s: %s" % (error.code(), error.details()))
    finally:
        stream.cancel()
    print("interop: WatchChanges since %d -> %d, %d, then live %d (%s created)" %
          (last_sequence - 2, last_sequence - 1, last_sequence, last_sequence + 1, new_id))


def main():
    args = parse_args()
    try:
        import grpc
        import google.protobuf  # noqa: F401
    except ImportError as error:
        print("interop: SKIP: %s (install python3-grpcio and python3-protobuf; "
              "this is %s)" % (error, sys.executable))
        return SKIP

    work_dir = tempfile.mkdtemp(prefix="sofdir-interop-")
    server = None
    try:
        sys.path.insert(0, compile_protos(args.source_dir, os.path.join(work_dir, "py")))
        data = os.path.join(args.source_dir, "data")
        server = ServerProcess(args.server_binary, work_dir,
                               ["--demo-data", os.path.join(data, "demo-directory.jsonl")] +
                               args.server_arg)
        server.wait_until_listening()
        metadata = [("authorization", "Bearer " + args.token)] if args.token else None
        with grpc.insecure_channel(server.address) as channel:
            grpc.channel_ready_future(channel).result(timeout=10)
            run_checks(grpc, channel, metadata, args.source_dir)
        print("interop: PASS (python grpcio %s against %s)" % (grpc.__version__, server.address))
        return 0
    except (Failure, ServerStartError) as failure:
        print("interop: FAIL: %s" % failure)
        return 1
    except grpc.RpcError as error:
        print("interop: FAIL: call failed with %s: %s" % (error.code(), error.details()))
        if server is not None:
            print(server.tail(60))
        return 1
    except grpc.FutureTimeoutError:
        print("interop: FAIL: no connection to %s within 10 s" % server.address)
        return 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
