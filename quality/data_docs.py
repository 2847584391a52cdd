"""Data Docs offline: GX's pages load Bootstrap, jQuery and Font Awesome from CDNs and GX's logo from
its web-assets bucket; here they load local copies instead, so a page never touches the network.

The pages are read with an HTML parser (BeautifulSoup on the standard library's `html.parser`), and
only the tags that load an asset change: their URL points at a copy inside the site, or the tag is
dropped when no installed package ships the asset.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.dammit import EntitySubstitution
from bs4.element import Stylesheet
from bs4.formatter import HTMLFormatter

BOOTSTRAP_CDN = (
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1",
)
FONT_AWESOME_CDN = "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0"
VENDORED = {  # CDN asset GX's templates load -> (xstatic package, file inside it)
    f"{BOOTSTRAP_CDN[0]}/css/bootstrap.min.css": ("bootstrap", "css/bootstrap.min.css"),
    f"{BOOTSTRAP_CDN[1]}/js/bootstrap.min.js": ("bootstrap", "js/bootstrap.bundle.min.js"),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery", "jquery.min.js"),
    f"{FONT_AWESOME_CDN}/css/all.min.css": ("font_awesome", "css/all.min.css"),
}
CDN_PREFIXES = (
    *("https://cdn.jsdelivr.net/", "https://cdnjs.cloudflare.com/", "https://unpkg.com/"),
    *("https://stackpath.bootstrapcdn.com/", "https://maxcdn.bootstrapcdn.com/", "https://code.jquery.com/"),
)
GX_ASSETS_HOST = "great-expectations-web-assets"  # GX's bucket: its logo, with the context id in the query
# Subresource-integrity attributes hash the CDN's file: a local copy is another file and would be refused.
CDN_ONLY_ATTRIBUTES = ("integrity", "crossorigin")
LOCAL_IMAGE = re.compile(r"(?:\.\.?/)*static/images/(.+)")  # a site-relative link into static/images
CSS_URL = re.compile(r"""url\((['"]?)([^'")]+)\1\)""")  # GX's inline stylesheet loads its logo with url()


class _AsWritten(HTMLFormatter):
    """bs4's minimal escaping, with each tag's attributes in the order GX wrote them (bs4 sorts them)."""

    def attributes(self, tag: Tag) -> Iterable[tuple[str, Any]]:
        return list(tag.attrs.items())


AS_WRITTEN = _AsWritten(entity_substitution=EntitySubstitution.substitute_xml)


@dataclass(frozen=True)
class _Page:
    """Where a page finds the site's own assets, relative to the page."""

    vendor: str
    images: str

    def bucket_image(self, url: str) -> str | None:
        """The site's copy of an image GX loads from its web-assets bucket (its logo), else None."""
        parts = urlsplit(url)
        if not parts.netloc.startswith(GX_ASSETS_HOST):
            return None
        return f"{self.images}/{PurePosixPath(parts.path).name}"

    def site_image(self, url: str) -> str | None:
        """A link into the site's static/images made relative to this page, else None: GX writes some
        one folder too shallow (the favicon on validation pages)."""
        local = LOCAL_IMAGE.fullmatch(url)
        return f"{self.images}/{local[1]}" if local else None


def xstatic_dir(package: str) -> Path | None:
    """The folder of an installed XStatic package's files (None when it is not installed)."""
    try:
        module = import_module(f"xstatic.pkg.{package}")
    except ImportError:
        return None
    return Path(module.BASE_DIR)


def vendor_data_docs(site: Path) -> int:
    """Point Data Docs at local copies of Bootstrap, jQuery and Font Awesome (XStatic packages).

    Assets no installed package ships (bootstrap-table, datepicker, Vega: only enhancements) are
    dropped and the GX logo (fetched from GX's bucket with the context id) comes from the site's own
    static/images, so a page never touches the network. Returns the number of pages rewritten.
    """
    if not site.is_dir():
        return 0
    vendor = site / "static" / "vendor"
    for package in {package for package, _ in VENDORED.values()}:
        source = xstatic_dir(package)
        if source is not None and not (vendor / package).exists():
            shutil.copytree(source, vendor / package)
    vendored = {url: f"{package}/{file}" for url, (package, file) in VENDORED.items()
                if (vendor / package / file).exists()}  # fmt: skip
    rewritten = 0
    for path in site.rglob("*.html"):
        page = _Page(
            vendor=os.path.relpath(vendor, path.parent),
            images=os.path.relpath(site / "static" / "images", path.parent),
        )
        offline = _offline_html(path.read_text(encoding="utf-8"), page, vendored)
        if offline is not None:
            path.write_text(offline, encoding="utf-8")
            rewritten += 1
    return rewritten


def _offline_html(html: str, page: _Page, vendored: dict[str, str]) -> str | None:
    """The page with every asset it loads made local (`vendored`: CDN URL -> file under the vendor
    folder), or None when it loads nothing from elsewhere."""
    soup = BeautifulSoup(html, "html.parser")
    changed = False
    for tag in soup.find_all(["script", "link", "img"]):
        changed |= _localise(tag, page, vendored)
    for style in soup.find_all("style"):
        css = style.string or ""
        local = CSS_URL.sub(lambda url: f"url({url[1]}{page.bucket_image(url[2]) or url[2]}{url[1]})", css)
        if local != css:
            style.string = Stylesheet(local)
            changed = True
    return soup.decode(formatter=AS_WRITTEN) if changed else None


def _localise(tag: Tag, page: _Page, vendored: dict[str, str]) -> bool:
    """Point one asset tag at its local copy, or drop it when it loads from a CDN; True if it changed."""
    attribute = "src" if tag.has_attr("src") else "href"
    url = tag.get(attribute)
    if not isinstance(url, str):
        return False
    if url in vendored:
        tag[attribute] = f"{page.vendor}/{vendored[url]}"
        for name in CDN_ONLY_ATTRIBUTES:
            del tag[name]
        return True
    local = page.bucket_image(url) or page.site_image(url)
    if local is not None:
        if local == url:
            return False
        tag[attribute] = local
        return True
    if tag.name in ("script", "link") and url.startswith(CDN_PREFIXES):
        tag.decompose()
        return True
    return False
