"""A Data Docs page GX renders loads its assets from the site afterwards: CDN tags point at the copies
taken from the XStatic packages, tags no package ships are gone, and GX's logo comes from the site."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from quality.data_docs import vendor_data_docs

GX_BUCKET = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com"
BOOTSTRAP_JS = "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js"
# The asset tags of a GX validation page (four folders below the site), as GX 1.x renders them.
PAGE = f"""<!DOCTYPE html>
<html>
  <head>
    <link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>
    <link rel="stylesheet" href="https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css">
    <style>.logo {{ background: url('{GX_BUCKET}/full_logo_dark.png') }}</style>
    <script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
    <script src="{BOOTSTRAP_JS}" integrity="sha384-x" crossorigin="anonymous"></script>
    <script src="https://cdn.jsdelivr.net/npm/vega@5"></script>
    <script>if (a && b < c) {{ render(); }}</script>
    <link rel="shortcut icon" href="../../../static/images/favicon.ico" type="image/x-icon"/>
  </head>
  <body>
    <img class="NO-CACHE" src="{GX_BUCKET}/logo-long.png?d=20260101T000000Z&amp;dataContextId=abc"/>
    <a href="https://greatexpectations.io">GX</a>
  </body>
</html>
"""


def test_a_page_loads_its_assets_from_the_site_and_a_second_pass_changes_nothing(tmp_path: Path) -> None:
    page = tmp_path / "validations" / "suite" / "__none__" / "run" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE, encoding="utf-8")

    assert vendor_data_docs(tmp_path) == 1
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert [tag["href"] for tag in soup.find_all("link")] == [
        "../../../../static/vendor/bootstrap/css/bootstrap.min.css",
        "../../../../static/images/favicon.ico",
    ]
    jquery, bootstrap, inline = soup.find_all("script")
    assert jquery.attrs == {"src": "../../../../static/vendor/jquery/jquery.min.js"}
    # The CDN file's integrity hash would refuse the local copy: it goes with the CDN address.
    assert bootstrap.attrs == {"src": "../../../../static/vendor/bootstrap/js/bootstrap.bundle.min.js"}
    assert inline.string == "if (a && b < c) { render(); }"
    assert soup.img["src"] == "../../../../static/images/logo-long.png"
    assert "url('../../../../static/images/full_logo_dark.png')" in soup.style.string
    assert soup.a["href"] == "https://greatexpectations.io"  # a link the reader follows, not an asset
    assert (tmp_path / "static" / "vendor" / "bootstrap" / "js" / "bootstrap.bundle.min.js").is_file()

    assert vendor_data_docs(tmp_path) == 0
