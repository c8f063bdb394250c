"""Real kernel trees for tests and the sweep, from Debian's packages.

``apt-get download`` and ``dpkg -x`` unpack them into a cache outside the
repository (EXPLAINER_KERNEL_CACHE, default ~/.cache/explainer/kernels);
nothing is installed.  Without apt the trees are simply not there, and the
tests that need them skip, saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(os.environ.get("EXPLAINER_KERNEL_CACHE", Path.home() / ".cache" / "explainer" / "kernels"))


def _run(argv: list[str], cwd: Path | None = None) -> str:
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True, text=True).stdout


def _headers_package(meta: str = "linux-headers-amd64") -> str:
    """The versioned linux-headers-X-amd64 package the meta package names."""
    out = _run(["apt-cache", "depends", meta])
    m = re.search(r"Depends:\s+(linux-headers-\S+-amd64)", out)
    if m is None:
        raise RuntimeError(f"apt-cache depends {meta}: no linux-headers-*-amd64")
    return m.group(1)


def debian_headers() -> Path | None:
    """The configured 6.1 headers tree (the -amd64 directory), or None."""
    existing = sorted(CACHE.glob("headers/usr/src/linux-headers-*-amd64"))
    if existing:
        return existing[-1]
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        return None
    try:
        arch = _headers_package()
        common = arch.removesuffix("-amd64") + "-common"
        debs = CACHE / "debs"
        debs.mkdir(parents=True, exist_ok=True)
        _run(["apt-get", "download", arch, common], cwd=debs)
        target = CACHE / "headers.partial"
        shutil.rmtree(target, ignore_errors=True)
        for deb in sorted(debs.glob("linux-headers-*.deb")):
            _run(["dpkg", "-x", str(deb), str(target)])
        target.rename(CACHE / "headers")
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        print(f"kernels: could not fetch Debian's headers: {exc}", file=sys.stderr)
        return None
    found = sorted(CACHE.glob("headers/usr/src/linux-headers-*-amd64"))
    return found[-1] if found else None


if __name__ == "__main__":
    tree = debian_headers()
    print(tree if tree is not None else "no kernel headers (apt-get and dpkg are needed)")
    sys.exit(0 if tree is not None else 1)
