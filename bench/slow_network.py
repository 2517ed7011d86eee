"""A text lesson on a slow 3G phone: bytes, requests and time until usable.

Runs Daphne (DEBUG off) on a fresh demo database; headless Chromium (Debian's,
through Playwright) at 360x740 signs ``hocvien`` in without throttling, then,
with the Chrome DevTools Protocol throttling the network to 400 ms round trip,
1.6 Mbit/s down and 400 kbit/s up, loads the first lesson of the coffee course

* once with an empty HTTP cache (``Network.clearBrowserCache`` just before), and
* once more in the same context (warm cache).

Bytes are the sum of ``Network.loadingFinished.encodedDataLength`` (what went
over the wire, headers included) for the visit; "usable" is the later of the
DOMContentLoaded and load events, from navigation start.

    .venv/bin/python bench/slow_network.py

For comparison (the issue): Kolibri's sign-in page measured the same way moved
2,855 KB in 25 requests and was usable after 13.3 s; its second visit 2.4 s.
Prints a table and one ``RESULT`` line. Figures, not assertions.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import DEMO_PASSWORD, DemoServer, learner_on_lesson  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms, added to each round trip
    "downloadThroughput": 1_600_000 // 8,  # bytes/s
    "uploadThroughput": 400_000 // 8,
}


@dataclass
class Visit:
    urls: dict[str, str] = field(default_factory=dict)  # request id -> url
    from_cache: set[str] = field(default_factory=set)
    finished: dict[str, float] = field(default_factory=dict)  # request id -> bytes
    failed: dict[str, str] = field(default_factory=dict)
    dom_content_loaded_s: float = 0.0
    load_s: float = 0.0

    @property
    def network(self) -> list[str]:
        """Requests that went to the server (not answered from the cache)."""
        return [r for r in self.urls if r not in self.from_cache]

    @property
    def bytes(self) -> float:
        return sum(self.finished.values())

    @property
    def usable_s(self) -> float:
        return max(self.dom_content_loaded_s, self.load_s)


class Recorder:
    """Collects the Network domain's events of one visit at a time."""

    def __init__(self, cdp) -> None:
        self.visit = Visit()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def _sent(self, e: dict) -> None:
        self.visit.urls[e["requestId"]] = e["request"]["url"]

    def _cached(self, e: dict) -> None:
        self.visit.from_cache.add(e["requestId"])

    def _response(self, e: dict) -> None:
        response = e["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.visit.from_cache.add(e["requestId"])

    def _finished(self, e: dict) -> None:
        self.visit.finished[e["requestId"]] = e["encodedDataLength"]

    def _failed(self, e: dict) -> None:
        self.visit.failed[e["requestId"]] = e.get("errorText", "")

    def measure(self, page, url: str) -> Visit:
        self.visit = Visit()
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            raise RuntimeError(f"{url} answered {response and response.status}")
        # Late events (the last loadingFinished) arrive after the load event.
        page.wait_for_load_state("networkidle")
        timing = page.evaluate(
            """() => { const n = performance.getEntriesByType('navigation')[0];
                       return [n.domContentLoadedEventEnd, n.loadEventEnd]; }"""
        )
        visit = self.visit
        visit.dom_content_loaded_s, visit.load_s = (t / 1000 for t in timing)
        return visit


def main() -> None:
    from playwright.sync_api import sync_playwright

    with DemoServer() as server:
        _session, lesson = learner_on_lesson(server)  # enrolls hocvien
        url = f"{server.base}{lesson}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                context = browser.new_context(
                    viewport={"width": 360, "height": 740},
                    is_mobile=True,
                    has_touch=True,
                    locale="vi-VN",
                )
                page = context.new_page()
                page.goto(f"{server.base}/accounts/login/")
                page.fill("#id_username", "hocvien")
                page.fill("#id_password", DEMO_PASSWORD)
                page.click("main form button[type=submit]")
                page.wait_for_url(f"{server.base}/")

                cdp = context.new_cdp_session(page)
                recorder = Recorder(cdp)
                cdp.send("Network.enable")
                cdp.send("Network.clearBrowserCache")
                cdp.send("Network.emulateNetworkConditions", SLOW_3G)
                first = recorder.measure(page, url)
                repeat = recorder.measure(page, url)
            finally:
                browser.close()

    print(
        f"\nFirst lesson of the coffee course ({lesson}), Chromium at 360x740, "
        f"400 ms RTT, 1.6 Mbit/s down, 400 kbit/s up"
    )
    header = (
        f"{'visit':<22} {'requests':>8} {'cached':>6} {'KB':>7} "
        f"{'DCL s':>6} {'load s':>6} {'usable s':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, v in (("first (empty cache)", first), ("second (warm cache)", repeat)):
        print(
            f"{name:<22} {len(v.network):>8} {len(v.from_cache):>6} "
            f"{v.bytes / 1024:>7.1f} {v.dom_content_loaded_s:>6.2f} {v.load_s:>6.2f} "
            f"{v.usable_s:>8.2f}"
        )
    for name, v in (("first", first), ("second", repeat)):
        for rid, u in v.urls.items():
            where = (
                "cache" if rid in v.from_cache else f"{v.finished.get(rid, 0):.0f} B"
            )
            if rid in v.failed:
                where = f"failed: {v.failed[rid]}"
            print(f"  {name:<6} {where:>10}  {u.removeprefix(server.base)}")
    print(
        "Kolibri sign-in page, same conditions (issue): 2,855 KB in 25 requests, "
        "usable after 13.3 s; second visit 2.4 s"
    )
    print(
        f"RESULT first_kb={first.bytes / 1024:.1f} first_requests={len(first.network)} "
        f"first_s={first.usable_s:.2f} repeat_kb={repeat.bytes / 1024:.1f} "
        f"repeat_requests={len(repeat.network)} repeat_s={repeat.usable_s:.2f}"
    )


if __name__ == "__main__":
    main()
