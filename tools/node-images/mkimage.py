#!/usr/bin/env python3
"""Assemble a one-layer OCI image archive from local files, for `ctr images import`.

The real test node has no registry: like `kind load` / `k3d image import`, images are
built here and imported into the node's containerd. The archive is an OCI image layout
(oci-layout, index.json, blobs/sha256/...) whose index names the image with the
`io.containerd.image.name` annotation, which `ctr -n k8s.io images import` uses as the
image name the kubelet then finds (imagePullPolicy: Never or IfNotPresent).

  mkimage.py OUT.tar NAME:TAG --entrypoint /bin/app [--arg A ...] [--file SRC:DST ...]
             [--symlink DST=TARGET ...] [--also NAME:TAG=ARG ...]

--also names one more image of the same layer whose Cmd is ARG (several images from one
binary that picks its role from its first argument, at the size of one).
"""
import argparse
import hashlib
import io
import json
import os
import sys
import tarfile

EPOCH = 0  # fixed mtimes: the same inputs give the same image digest


def add_dir(tar, path):
    info = tarfile.TarInfo(path)
    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, EPOCH
    tar.addfile(info)


def add_bytes(tar, path, data, mode):
    info = tarfile.TarInfo(path)
    info.size, info.mode, info.mtime = len(data), mode, EPOCH
    tar.addfile(info, io.BytesIO(data))


def layer(files, links=()):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = {"etc", "tmp", "dev", "proc", "sys", "bin"}
        for _, dst in list(files) + [(None, d) for d, _ in links]:
            parts = dst.strip("/").split("/")[:-1]
            dirs.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        for d in sorted(dirs):
            add_dir(tar, d)
        # a user database, so a runAsUser/`id` inside the container has names to show
        add_bytes(tar, "etc/passwd", b"root:x:0:0:root:/:/bin/false\nnobody:x:65534:65534::/:/bin/false\n", 0o644)
        add_bytes(tar, "etc/group", b"root:x:0:\nnogroup:x:65534:\n", 0o644)
        for src, dst in files:
            with open(src, "rb") as f:
                data = f.read()
            add_bytes(tar, dst.strip("/"), data, os.stat(src).st_mode & 0o777)
        for dst, target in links:
            info = tarfile.TarInfo(dst.strip("/"))
            info.type, info.linkname, info.mode, info.mtime = tarfile.SYMTYPE, target, 0o777, EPOCH
            tar.addfile(info)
    return buf.getvalue()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("name", help="image reference, e.g. kmpilot.local/testpod:1")
    p.add_argument("--entrypoint", required=True)
    p.add_argument("--arg", action="append", default=[], help="default argument (Cmd)")
    p.add_argument("--file", action="append", default=[], help="SRC:DST to put in the image")
    p.add_argument("--symlink", action="append", default=[], help="DST=TARGET, a symbolic link in the image")
    p.add_argument("--also", action="append", default=[], help="NAME:TAG=ARG, one more image of the layer with Cmd [ARG]")
    a = p.parse_args()
    images = [(a.name, a.arg or None)]
    for spec in a.also:
        name, sep, arg = spec.partition("=")
        if not sep or not arg:
            sys.exit(f"mkimage: --also {spec}: expected NAME:TAG=ARG")
        images.append((name, [arg]))
    for name, _ in images:
        if ":" not in name.rsplit("/", 1)[-1]:
            sys.exit(f"mkimage: {name}: give a tag (NAME:TAG); an untagged name means :latest, which the kubelet would try to pull")
    links = []
    for spec in a.symlink:
        dst, sep, target = spec.partition("=")
        if not sep or not dst.startswith("/") or not target:
            sys.exit(f"mkimage: --symlink {spec}: expected /DST=TARGET")
        links.append((dst, target))
    files = []
    for spec in a.file:
        src, sep, dst = spec.partition(":")
        if not sep or not dst.startswith("/"):
            sys.exit(f"mkimage: --file {spec}: expected SRC:/absolute/destination")
        if not os.path.isfile(src):
            sys.exit(f"mkimage: --file {spec}: {src} is not a file")
        files.append((src, dst))

    blobs = {}

    def blob(data, media_type):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return {"mediaType": media_type, "digest": digest, "size": len(data)}

    tar_bytes = layer(files, links)
    diff_id = "sha256:" + hashlib.sha256(tar_bytes).hexdigest()
    layer_desc = blob(tar_bytes, "application/vnd.oci.image.layer.v1.tar")
    manifests = []
    for name, cmd in images:
        config = {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Entrypoint": [a.entrypoint], "Cmd": cmd, "Env": ["PATH=/bin"], "WorkingDir": "/"},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        }
        config_desc = blob(json.dumps(config, sort_keys=True).encode(), "application/vnd.oci.image.config.v1+json")
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": config_desc, "layers": [layer_desc]}
        desc = blob(json.dumps(manifest, sort_keys=True).encode(), "application/vnd.oci.image.manifest.v1+json")
        desc["annotations"] = {"io.containerd.image.name": name,
                               "org.opencontainers.image.ref.name": name.rsplit(":", 1)[1]}
        manifests.append(desc)
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}

    tmp = a.out + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as out:
        add_bytes(out, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}', 0o644)
        add_bytes(out, "index.json", json.dumps(index).encode(), 0o644)
        add_dir(out, "blobs")
        add_dir(out, "blobs/sha256")
        for digest, data in blobs.items():
            add_bytes(out, "blobs/sha256/" + digest.split(":", 1)[1], data, 0o644)
    os.replace(tmp, a.out)
    print(a.out)


if __name__ == "__main__":
    main()
