"""Real kernel trees for tests and the sweep, from Debian's packages.

``apt-get download`` and ``dpkg -x`` unpack them into a cache outside the
repository (EXPLAINER_KERNEL_CACHE, default ~/.cache/explainer/kernels);
nothing is installed, and the system's apt sources are left as they are.
Without apt (or the network) the trees are simply not there, and the
tests that need them skip, saying so.

    python tests/kernels.py [6.1 6.12 7 7-source]   # default: all of them

- 6.1: Debian 12's configured headers (linux-headers-amd64).
- 6.12: Debian 12's security updates, configured headers (newest 6.12).
- 7: the newest configured 7.x headers, from Debian unstable (sid).
- 7-source: the newest linux-source-7.x (sid or trixie-backports), only
  the parts the tests read: include/, samples/trace_events/, arm64's
  remote events, kernel/trace/'s remote-event test.
Suites this machine's apt sources do not list are read through a private
list in the cache (apt-get -o Dir::Etc::sourcelist=...).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

CACHE = Path(os.environ.get("EXPLAINER_KERNEL_CACHE", Path.home() / ".cache" / "explainer" / "kernels"))
ARCHIVE = "http://deb.debian.org/debian"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
PRIVATE_SUITES = ("sid", "trixie-backports")
# The parts of a source package the tests read (tar member patterns under its top folder).
SOURCE_PARTS = ("include/", "samples/trace_events/", "arch/x86/include/", "arch/arm64/include/asm/",
                "kernel/trace/remote_test", "Makefile", "kernel/fork.c")
VERSIONS = ("6.1", "6.12", "7", "7-source")


def _run(argv: list[str], cwd: Path | None = None) -> str:
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True, text=True).stdout


def _private_apt() -> list[str]:
    """apt options that read Debian's suites this machine does not list,
    from a list in the cache (updated once per cache)."""
    root = CACHE / "apt"
    options = ["-o", f"Dir::Etc::sourcelist={root / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-",
               "-o", f"Dir::State::Lists={root / 'lists'}", "-o", f"Dir::Cache={root / 'cache'}"]
    if not (root / "updated").exists():
        (root / "lists" / "partial").mkdir(parents=True, exist_ok=True)
        (root / "cache" / "archives" / "partial").mkdir(parents=True, exist_ok=True)
        (root / "sources.list").write_text(
            "".join(f"deb [signed-by={KEYRING}] {ARCHIVE} {suite} main\n" for suite in PRIVATE_SUITES))
        _run(["apt-get", *options, "update"])
        (root / "updated").touch()
    return options


def _newest(options: list[str], pattern: str) -> str:
    """The package whose name matches *pattern* with the highest version in its name."""
    out = _run(["apt-cache", *options, "search", "--names-only", pattern])
    names = [line.split(" ", 1)[0] for line in out.splitlines() if line.strip()]
    names = [n for n in names if re.fullmatch(pattern, n)]
    if not names:
        raise RuntimeError(f"apt-cache: no package matches {pattern}")

    def key(name: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", name))

    return max(names, key=key)


def _headers_package(meta: str = "linux-headers-amd64") -> str:
    """The versioned linux-headers-X-amd64 package the meta package names."""
    out = _run(["apt-cache", "depends", meta])
    m = re.search(r"Depends:\s+(linux-headers-\S+-amd64)", out)
    if m is None:
        raise RuntimeError(f"apt-cache depends {meta}: no linux-headers-*-amd64")
    return m.group(1)


def _unpack_headers(target: Path, arch: str, options: list[str]) -> None:
    common = arch.removesuffix("-amd64") + "-common"
    debs = CACHE / "debs" / target.name
    debs.mkdir(parents=True, exist_ok=True)
    _run(["apt-get", *options, "download", arch, common], cwd=debs)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for deb in sorted(debs.glob("linux-headers-*.deb")):
        _run(["dpkg", "-x", str(deb), str(partial)])
    partial.rename(target)


def _headers(name: str, package: tuple[list[str], str] | None) -> Path | None:
    """The configured headers tree (the -amd64 directory) in CACHE/*name*,
    fetched first if needed: *package* gives the apt options and the
    -amd64 package (None: the 6.1 meta package's)."""
    existing = sorted(CACHE.glob(f"{name}/usr/src/linux-headers-*-amd64"))
    if existing:
        return existing[-1]
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        return None
    try:
        options, arch = package if package is not None else ([], _headers_package())
        _unpack_headers(CACHE / name, arch, options)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        print(f"kernels: could not fetch Debian's {name}: {exc}", file=sys.stderr)
        return None
    found = sorted(CACHE.glob(f"{name}/usr/src/linux-headers-*-amd64"))
    return found[-1] if found else None


def debian_headers() -> Path | None:
    """Debian 12's configured 6.1 headers."""
    return _headers("headers", None)


def _newest_headers(name: str, pattern: str, private: bool) -> Path | None:
    """The newest configured headers whose -amd64 package matches
    *pattern*, in CACHE/*name*; from the private apt list if *private*."""
    existing = sorted(CACHE.glob(f"{name}/usr/src/linux-headers-*-amd64"))
    if existing:
        return existing[-1]
    if shutil.which("apt-get") is None:
        return None
    try:
        options = _private_apt() if private else []
        arch = _newest(options, pattern)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        print(f"kernels: no {name}: {exc}", file=sys.stderr)
        return None
    return _headers(name, (options, arch))


def headers_612() -> Path | None:
    """Debian 12's security updates' newest configured 6.12 headers."""
    return _newest_headers("headers-6.12", r"linux-headers-6\.12\.[0-9]+\+deb12-amd64", private=False)


def headers_7() -> Path | None:
    """The newest configured 7.x headers of Debian unstable (or backports)."""
    return _newest_headers("headers-7", r"linux-headers-7\.[0-9]+\.[0-9]+\+deb[0-9]+-amd64", private=True)


def source_7() -> Path | None:
    """The parts of the newest linux-source-7.x the tests read."""
    existing = sorted(CACHE.glob("source-7/linux-source-7.*"))
    if existing:
        return existing[-1]
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        return None
    try:
        options = _private_apt()
        package = _newest(options, r"linux-source-7\.[0-9]+")
        debs = CACHE / "debs" / "source-7"
        debs.mkdir(parents=True, exist_ok=True)
        _run(["apt-get", *options, "download", package], cwd=debs)
        unpacked = CACHE / "debs" / "source-7.unpacked"
        shutil.rmtree(unpacked, ignore_errors=True)
        _run(["dpkg", "-x", str(next(debs.glob(f"{package}_*.deb"))), str(unpacked)])
        tarball = next(unpacked.glob("usr/src/linux-source-7.*.tar.*"))
        partial = CACHE / "source-7.partial"
        shutil.rmtree(partial, ignore_errors=True)
        with tarfile.open(tarball) as tar:
            members = [m for m in tar if m.isfile() and "/" in m.name
                       and m.name.split("/", 1)[1].startswith(SOURCE_PARTS)]
            tar.extractall(partial, members=members, filter="data")
        shutil.rmtree(unpacked, ignore_errors=True)
        for deb in debs.glob("*.deb"):
            deb.unlink()  # 150 MB: the parts above are what is kept
        partial.rename(CACHE / "source-7")
    except (subprocess.CalledProcessError, RuntimeError, OSError, StopIteration, tarfile.TarError) as exc:
        print(f"kernels: could not fetch a 7.x source: {exc}", file=sys.stderr)
        return None
    found = sorted(CACHE.glob("source-7/linux-source-7.*"))
    return found[-1] if found else None


FETCH = {"6.1": debian_headers, "6.12": headers_612, "7": headers_7, "7-source": source_7}


if __name__ == "__main__":
    wanted = sys.argv[1:] or list(VERSIONS)
    unknown = [v for v in wanted if v not in FETCH]
    if unknown:
        sys.exit(f"kernels: no such kernel {', '.join(unknown)} (there are: {', '.join(VERSIONS)})")
    status = 0
    for version in wanted:
        tree = FETCH[version]()
        shown = tree if tree is not None else "not fetched (apt-get, dpkg and Debian's archive are needed)"
        print(f"{version}: {shown}")
        status |= tree is None
    sys.exit(status)
