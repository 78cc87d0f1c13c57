#!/usr/bin/env python3
"""Keystroke -> diagnostics published, through `maestroc lsp` over stdio, on a generated
5,004-line file: 40 didChange notifications (the whole text, one param default changed),
each timed until the publishDiagnostics of its version arrives.

Usage: benches/lsp-latency.py target/release/maestroc
"""
import tempfile
import json, subprocess, sys, time, statistics, os
binary = sys.argv[1]
n_steps = 1250
lines = ["/// Generated for the LSP latency measurement.", "workflow big {", "  param n: int = 3"]
lines += ["  step s0 {", '    run "echo ${n}"', "    outputs { x: int }", "  }"]
for i in range(1, n_steps):
    lines += [f"  step s{i} {{", f'    run "echo ${{s{i-1}.x}}"', "    outputs { x: int }", "  }"]
lines.append("}")
text = "\n".join(lines) + "\n"
print("lines:", text.count("\n"))
path = os.path.join(tempfile.mkdtemp(), "big.mflow")
open(path, "w").write(text)
uri = "file://" + path
p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
def send(msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body); p.stdin.flush()
def recv():
    headers = {}
    while True:
        line = p.stdout.readline()
        if line in (b"\r\n", b""): break
        k, v = line.decode().split(":", 1); headers[k.strip().lower()] = v.strip()
    return json.loads(p.stdout.read(int(headers["content-length"])))
def wait_diags(version):
    while True:
        m = recv()
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version and m["params"]["uri"] == uri:
            return m["params"]["diagnostics"]
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": None, "rootUri": None}})
while "id" not in recv(): pass
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "mflow", "version": 1, "text": text}}})
d = wait_diags(1); print("diagnostics on open:", len(d))
times = []
for v in range(2, 42):
    t = text.replace("param n: int = 3", f"param n: int = {v}")
    start = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": t}]}})
    wait_diags(v)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print("keystroke -> diagnostics ms: min %.1f median %.1f p90 %.1f max %.1f (n=%d)" % (times[0], statistics.median(times), times[int(len(times)*0.9)], times[-1], len(times)))
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}); 
send({"jsonrpc": "2.0", "method": "exit"}); p.wait(5)
