"""Reading a built report site as files: its pages, figures and data links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class FigureBlock:
    page: str
    id: str
    kind: str  # 'chart' or 'numbers-table'
    html: str

    @property
    def csv_href(self) -> str | None:
        match = re.search(r'href="(data/[^"]+\.csv)"', self.html)
        return match[1] if match else None


def pages(report_dir: Path) -> list[str]:
    return sorted(p.name for p in report_dir.glob("*.html"))


def figures(report_dir: Path) -> list[FigureBlock]:
    found = []
    for page in pages(report_dir):
        html = (report_dir / page).read_text(encoding="utf-8")
        for match in re.finditer(r'<figure class="(chart|numbers-table)" id="([^"]+)".*?</figure>', html, re.S):
            found.append(FigureBlock(page, match[2], match[1], match[0]))
    return found


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name in ("href", "src", "xlink:href", "action") and value:
                self.urls.append(value)


def links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser
