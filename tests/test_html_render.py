"""The HTML evidence report in a real browser: headless Chromium (Debian's `chromium`) renders it with
no network and the screenshot shows the report, not a blank page."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from lint_rules.cli import main

from .helpers import REPO

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--window-size=1280,1400"]
FAIL_RED = (0xC6, 0x28, 0x28)  # .v-fail in evidence.css
PASS_GREEN = (0x1A, 0x7F, 0x37)  # .v-pass


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium on PATH: `apt-get install chromium` (.ci/run installs it)")


def screenshot(html_path, png_path, tmp_path) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    proc = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                           f"--screenshot={png_path}", html_path.as_uri()],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert png_path.exists(), proc.stderr[-2000:]


def colour_share(image, rgb, tolerance=24) -> float:
    colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    near = sum(n for n, c in colours if all(abs(a - b) <= tolerance for a, b in zip(c, rgb)))
    return near / (image.width * image.height)


@pytest.mark.parametrize("target, colour", [
    (REPO / "terraform" / "examples" / "noncompliant", FAIL_RED),
    (REPO / "tests" / "fixtures" / "plans" / "nvs.json", PASS_GREEN),
])
def test_html_report_renders_in_headless_chromium(tmp_path, target, colour):
    Image = pytest.importorskip("PIL.Image", reason="Pillow is in the dev extra")
    html_path, png_path = tmp_path / "evidence.html", tmp_path / "evidence.png"
    main(["check", "--format", "html", "--output", str(html_path), str(target)])
    screenshot(html_path, png_path, tmp_path)
    image = Image.open(png_path)
    assert image.size == (1280, 1400)
    extrema = image.convert("L").getextrema()
    assert extrema[1] - extrema[0] > 100, "the screenshot is blank"
    non_white = 1 - colour_share(image, (255, 255, 255), tolerance=8)
    assert non_white > 0.05, f"only {non_white:.1%} of the page is drawn"
    assert colour_share(image, colour) > 0.001, "the verdict colours (inline CSS) are not applied"
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50  # text, not a flat fill
