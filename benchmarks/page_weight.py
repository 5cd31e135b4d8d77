"""Page weight and first render: what each kind of page costs a reader, measured in Chromium.

Serves the project's current build with ``histgraph serve`` (gunicorn, as in
production) on a free 127.0.0.1 port and opens every page of
``tests/browser/pages.py`` in headless Debian Chromium with an empty cache. For
each page it records, from the browser's own Resource Timing:

* **at load**: bytes over the wire (``transferSize``, so compression counts)
  and bytes after decoding, up to the ``load`` event, before any scrolling;
* **scrolled**: bytes over the wire once the page has been scrolled to the
  bottom and the network is idle (what lazily loaded libraries add);
* **first paint**: First Contentful Paint in ms, the median of ``--runs``.

Usage: ``.venv/bin/python benchmarks/page_weight.py [--runs 3] [--only cable,editor] [--quick] [--json]``;
prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_harness import BenchmarkStopped, emit, main_guard, need  # noqa: E402
from tests.browser.pages import site_pages  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, copy_project  # noqa: E402
from tests.servers import BIN, free_port, running  # noqa: E402

from histgraph.config import load_settings  # noqa: E402
from histgraph.store import open_store  # noqa: E402

#: Bytes of every resource the page has fetched so far (the page itself included).
BYTES = """() => {
  const all = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
  return {
    wire: all.reduce((sum, e) => sum + (e.transferSize || 0), 0),
    decoded: all.reduce((sum, e) => sum + (e.decodedBodySize || 0), 0),
    files: all.length,
  };
}"""
FIRST_PAINT = """() => new Promise((resolve) => {
  // The paint entry can be recorded after the load event on a small page; wait for it (buffered).
  new PerformanceObserver((list) => {
    const paint = list.getEntriesByName('first-contentful-paint')[0];
    if (paint) resolve(paint.startTime);
  }).observe({ type: 'paint', buffered: true });
  setTimeout(() => resolve(null), 5000);
})"""


def weigh(browser, url: str, width: int = 1366) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """One visit with an empty cache: bytes at load, FCP, bytes once scrolled to the bottom."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="load")
    at_load = page.evaluate(BYTES)
    fcp = page.evaluate(FIRST_PAINT)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # a lazily inserted script starts after the observer fires
    page.wait_for_load_state("networkidle")
    scrolled = page.evaluate(BYTES)
    context.close()
    return {"wire": at_load["wire"], "decoded": at_load["decoded"], "files": at_load["files"],
            "scrolled": scrolled["wire"], "fcp": fcp or float("nan")}


def main() -> None:
    """Serve the current build, weigh every page, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="visits per page; FCP is their median (default 3)")
    parser.add_argument("--only", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--width", type=int, default=1366, help="viewport width in px (default 1366; 390 for a phone)")
    parser.add_argument("--quick", action="store_true", help="smoke run: one visit of the home page and the cable")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.only = 1, args.only or "home,cable"
    need("histgraph")
    if not Path(CHROMIUM).is_file():
        raise BenchmarkStopped(f"missing {CHROMIUM} (install it with `make system-deps`, Debian package chromium)")
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        project = served_project(Path(tmp))
        settings = load_settings({"project_dir": project}, environ={})
        pages = site_pages(open_store(settings), settings.base_iri)
        if args.only:
            pages = {name: path for name, path in pages.items() if name in args.only.split(",")}
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [str(BIN / "histgraph"), "--project", str(project), "serve", "--workers", "1", "--port", str(port)]
        with running(command, f"{url}/sparql?query=ASK%7B%7D", Path(tmp) / "serve.log"), \
                sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, path in pages.items():
                print(f"  weighing {name} ({path})", file=sys.stderr)
                visits = [weigh(browser, url + path, args.width) for _ in range(args.runs)]
                rows.append({"page": name, "path": path, **visits[-1],
                             "fcp": statistics.median(v["fcp"] for v in visits)})
            browser.close()
    if args.json:
        emit({"runs": args.runs, "width": args.width, "pages": rows}, True)
        return
    print("| page | at load, wire kB | at load, decoded kB | files | scrolled, wire kB | first paint ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['page']} | {row['wire'] / 1000:.1f} | {row['decoded'] / 1000:.1f} | {row['files']:.0f} "
              f"| {row['scrolled'] / 1000:.1f} | {row['fcp']:.0f} |")


def served_project(tmp: Path) -> Path:
    """This project if it has a build, else a copy of it built now (a fresh clone has none)."""
    if (ROOT / "build" / "current").exists():
        return ROOT
    from histgraph.build.pipeline import build

    project = copy_project(tmp / "project")
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    build(load_settings({"project_dir": project}, environ={}), validate=False)
    return project


if __name__ == "__main__":
    main_guard(main)
