"""Draw Vega-Lite specs to SVG in a process of its own: reads a JSON list of specs on stdin and
writes the list of their SVGs, in order, on stdout.

vl-convert draws one chart at a time in its V8 engine (threads do not help), so the report
starts two of these to use both cores of a cold build; and the job's process never loads V8.
"""

from __future__ import annotations

import json
import sys

import vl_convert


def main() -> int:
    specs = json.load(sys.stdin)
    # no data from URLs: every chart carries its values inline
    json.dump([vl_convert.vegalite_to_svg(spec, allowed_base_urls=[]) for spec in specs], sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
