#!/usr/bin/env bash
# Builds the release binaries and packs each with README.md and LICENSE: a .zip for Windows, a .tar.gz for
# the others, then SHA256SUMS over them, all in target/dist/. The archives are deterministic: files in name
# order, owned by no one, dated at the last commit (SOURCE_DATE_EPOCH), so packing the same binaries again
# gives the same bytes.
#
# usage: scripts/release.sh [TARGET...]
#   default targets: x86_64-unknown-linux-gnu and x86_64-pc-windows-gnu (cross-built with mingw-w64:
#   apt-get install gcc-mingw-w64-x86-64). The release workflow (.github/workflows/release.yml) calls it
#   with the macOS targets on a Mac.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
((${#targets[@]})) || targets=(x86_64-unknown-linux-gnu x86_64-pc-windows-gnu)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
dist=target/dist
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

rm -rf "$dist"
mkdir -p "$dist"
archives=()
for target in "${targets[@]}"; do
  if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
  fi
  cargo build --release --locked --target "$target"
  binary=bc2m365
  [[ $target == *windows* ]] && binary=bc2m365.exe
  name=bc2m365-$version-$target
  stage=$dist/$name
  mkdir -p "$stage"
  cp "target/$target/release/$binary" README.md LICENSE "$stage/"
  if [[ $target == *windows* ]]; then
    archive=$name.zip
  else
    archive=$name.tar.gz
  fi
  python3 - "$dist" "$name" "$archive" <<'PYTHON'
import gzip, io, os, sys, tarfile, time, zipfile

dist, name, archive = sys.argv[1:4]
epoch = int(os.environ["SOURCE_DATE_EPOCH"])
files = sorted(os.listdir(os.path.join(dist, name)))
mode = lambda f: 0o755 if f in ("bc2m365", "bc2m365.exe") else 0o644
path = os.path.join(dist, archive)
if archive.endswith(".zip"):
    # A zip dates its entries in local time, from 1980 on: the commit's date as UTC.
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for f in files:
            entry = zipfile.ZipInfo(f"{name}/{f}", stamp)
            entry.external_attr = (0o100000 | mode(f)) << 16
            entry.create_system = 3
            entry.compress_type = zipfile.ZIP_DEFLATED
            with open(os.path.join(dist, name, f), "rb") as data:
                out.writestr(entry, data.read(), compresslevel=9)
else:
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as out:
        for f in [None] + files:
            info = tarfile.TarInfo(name if f is None else f"{name}/{f}")
            info.mtime, info.uid, info.gid, info.uname, info.gname = epoch, 0, 0, "", ""
            if f is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                out.addfile(info)
                continue
            info.mode = mode(f)
            with open(os.path.join(dist, name, f), "rb") as data:
                info.size = os.fstat(data.fileno()).st_size
                out.addfile(info, data)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(tar_bytes.getvalue())
PYTHON
  rm -rf "$stage"
  archives+=("$archive")
done

sha256=(sha256sum)
command -v sha256sum >/dev/null || sha256=(shasum -a 256) # macOS
(cd "$dist" && "${sha256[@]}" "${archives[@]}" >SHA256SUMS)
echo "in $dist:"
cat "$dist/SHA256SUMS"
