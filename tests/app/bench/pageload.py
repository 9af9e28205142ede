"""Page load of the web front in headless Chromium under Lighthouse's "Slow 4G" profile
(DevTools throttling: 150 ms RTT x 3.75 = 562.5 ms request latency, 1.6 Mbit/s x 0.9 down,
750 kbit/s x 0.9 up, CPU slowed 4x; GoogleChrome/lighthouse core/config/constants.js),
cache disabled (a first visit) -> build/bench/pageload.json.

Two paths, each from navigation start (performance.now()), median of `runs`:
- first load: the sign-in page ready (sign-in form shown), with Navigation Timing and LCP;
- sign-in to first list: arriving from the magic link (token in the fragment), the
  organization shown (GET /me), then a search submitted at once and its results listed.
Moments are recorded in the page by a MutationObserver injected before the page's own
scripts (Page.addScriptToEvaluateOnNewDocument), not by polling from here.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from tests.app.chromium import Browser

SLOW_4G = {
    "offline": False,
    "latency": 150 * 3.75,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
    "uploadThroughput": 750 * 1024 / 8 * 0.9,
}
CPU_SLOWDOWN = 4
TARGET_MS = 3000

MARKS = """
(() => {
  window.__marks = {};
  const mark = (k) => { if (!(k in window.__marks)) window.__marks[k] = performance.now(); };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e.startTime; })
    .observe({ type: "largest-contentful-paint", buffered: true });
  const check = () => {
    const signIn = document.getElementById("sign-in");
    if (signIn && !signIn.hidden && document.getElementById("sign-in-form")) mark("sign_in_ready");
    const who = document.getElementById("who");
    if (who && who.textContent.includes("\\u00b7")) {
      mark("signed_in");
      if (window.__search && !window.__searched) {
        window.__searched = true;
        document.getElementById("q").value = window.__search;
        document.getElementById("search-form").requestSubmit();
      }
    }
    if (document.querySelector("#results button")) mark("first_list");
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true,
    attributes: true, characterData: true });
})();
"""


def _visit(b: Browser, url: str, wait_for: str) -> dict[str, Any]:
    b.goto("about:blank")
    b.goto(url)
    b.wait_for(f"window.__marks && window.__marks.{wait_for} !== undefined", timeout=60)
    return b.js(  # type: ignore[no-any-return]
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return { marks: window.__marks, lcp_ms: window.__lcp ?? null,"
        " ttfb_ms: n.responseStart, dom_content_loaded_ms: n.domContentLoadedEventEnd,"
        " load_ms: n.loadEventEnd, transfer_bytes: performance.getEntries()"
        ".reduce((s, e) => s + (e.transferSize || 0), 0) }; })()"
    )


def measure_pageload(web_url: str, token: str, search: str, runs: int = 3) -> dict[str, Any]:
    b = Browser()
    try:
        b.send("Network.enable", session=True)
        b.send("Network.setCacheDisabled", session=True, cacheDisabled=True)
        b.send("Network.emulateNetworkConditions", session=True, **SLOW_4G)
        b.send("Emulation.setCPUThrottlingRate", session=True, rate=CPU_SLOWDOWN)
        b.send("Page.addScriptToEvaluateOnNewDocument", session=True, source=MARKS)
        first = [_visit(b, web_url, "sign_in_ready") for _ in range(runs)]
        link = f"{web_url}#access_token={token}&token_type=bearer&expires_in=3600&type=magiclink"
        signed: list[dict[str, Any]] = []
        for _ in range(runs):
            # window.__search must exist before the page's scripts run: set it per document.
            script = b.send(
                "Page.addScriptToEvaluateOnNewDocument",
                session=True,
                source=f"window.__search = {json.dumps(search)};",
            )
            signed.append(_visit(b, link, "first_list"))
            b.send(
                "Page.removeScriptToEvaluateOnNewDocument",
                session=True,
                identifier=script["identifier"],
            )
    finally:
        b.close()

    def med(rows: list[dict[str, Any]], key: str) -> float | None:
        xs = [r["marks"].get(key) if key in r["marks"] else r.get(key) for r in rows]
        got = [float(x) for x in xs if x is not None]
        return round(statistics.median(got), 1) if got else None

    first_ready = med(first, "sign_in_ready")
    first_list = med(signed, "first_list")
    return {
        "profile": {
            "network": SLOW_4G,
            "cpu_slowdown": CPU_SLOWDOWN,
            "cache": "disabled (first visit)",
            "source": "Lighthouse mobileSlow4G, DevTools throttling",
        },
        "runs": runs,
        "first_load": {
            "sign_in_ready_ms": first_ready,
            "lcp_ms": med(first, "lcp_ms"),
            "ttfb_ms": med(first, "ttfb_ms"),
            "dom_content_loaded_ms": med(first, "dom_content_loaded_ms"),
            "load_ms": med(first, "load_ms"),
            "samples": first,
        },
        "sign_in_to_first_list": {
            "signed_in_ms": med(signed, "signed_in"),
            "first_list_ms": first_list,
            "lcp_ms": med(signed, "lcp_ms"),
            "samples": signed,
        },
        "targets": {
            "first_load_under_3s": {
                "met": first_ready is not None and first_ready < TARGET_MS,
            },
            "sign_in_to_first_list_under_3s": {
                "met": first_list is not None and first_list < TARGET_MS,
            },
        },
    }
