"""Write explainer/data/creators/VERSION.json from a kernel source tree:
for each trace header of include/, the .c file that creates its
tracepoints and that file's preprocessor lines up to the header's
#include (explainer/kernel/creators.py).

    python bench/creators.py SOURCE_DIR VERSION

The source comes from Debian's linux-source-VERSION package: apt-get
download it, then unpack the .c files and the Makefile of the tarball
inside, e.g. tar -xf linux-source-6.1.tar.xz --wildcards '*.c'.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from explainer.kernel import creators
from explainer.resources import data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    parser.add_argument("version")
    args = parser.parse_args()
    found = creators.scan(args.source)
    out = data(f"creators/{args.version}.json")
    out.parent.mkdir(exist_ok=True)
    orphaned = creators.orphans(args.source, found)
    out.write_text(creators.to_json(found, orphaned))
    public = sum(1 for h in found if h.startswith("trace/"))
    print(f"{out}: {public} headers of include/ (of {len(found)} created in {args.source});"
          f" created by none: {', '.join(orphaned) or 'none'}")


if __name__ == "__main__":
    main()
