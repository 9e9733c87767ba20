#!/usr/bin/env python3
"""Runs every recorded case with the Linux build and with the Windows build (under Wine), and compares
what each wrote, byte for byte: the exit code, stdout, stderr and every file in --out.

The cases are the lines the integration tests write to BC2M365_CASES (tests/common/mod.rs,
`Ran::record_case`): each convert and validate run whose outputs or report the tests compare with
fixtures/expected/ or tests/snapshots/. Both builds run from the repository root with the same relative
paths, so every path they print or record is the same text.

usage: compare.py CASES LINUX_BINARY WINDOWS_BINARY WINE
"""

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

WORK = os.path.join("target", "windows-check")
WINE_CRASHED = b"wine: Unhandled"


def load_cases(path):
    """The distinct cases, in the order first recorded, and those that cannot be repeated, with why."""
    cases, cannot, seen = [], {}, set()
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            case = json.loads(line)
            key = json.dumps([case["args"], case["env"], case["out"]], sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            if case["cannot"]:
                cannot.setdefault(case["cannot"], []).append(case["case"])
            else:
                cases.append(case)
    return cases, cannot


def run(command, case, out):
    env = dict(os.environ, NO_COLOR="1")
    for key, value in case["env"].items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    args = list(case["args"])
    if case["out"]:
        args += ["--out", out]
        shutil.rmtree(out, ignore_errors=True)
    ran = subprocess.run(command + args, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    files = {}
    if case["out"] and os.path.isdir(out):
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name), "rb") as f:
                files[name] = f.read()
        shutil.rmtree(out)
    return {"exit": ran.returncode, "stdout": ran.stdout, "stderr": ran.stderr, "files": files}


def first_difference(a, b):
    """Where two byte strings first differ, as a line (text) or an offset (binary)."""
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    if b"\0" in a[:4096] or b"\0" in b[:4096] or a.startswith(b"PK"):
        return f"{len(a)} and {len(b)} bytes, first difference at byte {at}"
    line = a[:at].count(b"\n")
    show = lambda s: s.split(b"\n")[line].decode("utf-8", "replace") if line < s.count(b"\n") + 1 else ""
    return f"line {line + 1}:\n      linux:   {show(a)!r}\n      windows: {show(b)!r}"


def differences(linux, windows):
    found = []
    if linux["exit"] != windows["exit"]:
        found.append(f"exit code: linux {linux['exit']}, windows {windows['exit']}")
    for stream in ("stdout", "stderr"):
        if linux[stream] != windows[stream]:
            found.append(f"{stream}: {first_difference(linux[stream], windows[stream])}")
    names_l, names_w = set(linux["files"]), set(windows["files"])
    for name in sorted(names_l - names_w):
        found.append(f"{name}: written on linux only")
    for name in sorted(names_w - names_l):
        found.append(f"{name}: written on windows only")
    for name in sorted(names_l & names_w):
        if linux["files"][name] != windows["files"][name]:
            found.append(f"{name}: {first_difference(linux['files'][name], windows['files'][name])}")
    return found


def check(number, case, linux_binary, windows_binary, wine):
    """One case with both builds, into the same relative --out folder: what differs, and Linux's run.
    Each case has a folder of its own around --out: a run clears the staging folders it finds beside
    --out whose process is gone, and a Linux process does not see Wine's processes."""
    out = f"{WORK}/case-{number}/out"
    linux = run([linux_binary], case, out)
    windows = run([wine, windows_binary], case, out)
    note = None
    if WINE_CRASHED in windows["stderr"]:
        # Wine itself now and then faults at a process's start or end; a fault again is a difference.
        note = f"note    {case['case']}: Wine faulted, run again"
        windows = run([wine, windows_binary], case, out)
    return note, differences(linux, windows), linux


def main():
    cases_path, linux_binary, windows_binary, wine = sys.argv[1:5]
    cases, cannot = load_cases(cases_path)
    if not cases:
        sys.exit(f"no case in {cases_path}: the tests recorded none")
    os.makedirs(WORK, exist_ok=True)
    failed, files, started = 0, 0, time.monotonic()
    jobs = int(os.environ.get("BC2M365_WINE_JOBS", "2"))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(
            lambda numbered: check(*numbered, linux_binary, windows_binary, wine), enumerate(cases, 1)
        )
        for case, (note, found, linux) in zip(cases, results):
            if note:
                print(note)
            files += len(linux["files"])
            command = " ".join(case["args"])
            if found:
                failed += 1
                print(f"DIFFERS {case['case']}: bc2m365 {command}")
                for difference in found:
                    print(f"    {difference}")
            else:
                print(f"same    {case['case']}: bc2m365 {command} (exit {linux['exit']}, {len(linux['files'])} files)")
    for reason, names in sorted(cannot.items()):
        print(f"not repeated ({reason}): {', '.join(sorted(set(names)))}")
    seconds = time.monotonic() - started
    print(f"{len(cases)} cases, {files} files compared, in {seconds:.0f} s: ", end="")
    if failed:
        print(f"{failed} differ between Linux and Windows")
        sys.exit(1)
    print("Linux and Windows wrote the same bytes")


if __name__ == "__main__":
    main()
