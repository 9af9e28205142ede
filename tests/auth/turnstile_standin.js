// Test double of Cloudflare's Turnstile widget script (challenges.cloudflare.com cannot be
// reached from tests). It implements the documented explicit-render API the front uses
// (turnstile.render(el, {sitekey, callback, ...}) and turnstile.reset(id)) and behaves as
// Cloudflare documents its dummy site keys: 1x00000000000000000000AA always passes and hands
// the browser the dummy token XXXX.DUMMY.TOKEN.XXXX; 2x00000000000000000000AB always fails.
"use strict";
(() => {
  const widgets = [];
  const run = (w) => setTimeout(() => {
    if (w.opts.sitekey === "1x00000000000000000000AA") w.opts.callback("XXXX.DUMMY.TOKEN.XXXX");
    else if (w.opts["error-callback"]) w.opts["error-callback"]("110200");
  }, 50);
  window.turnstile = {
    render(target, opts) {
      const el = typeof target === "string" ? document.querySelector(target) : target;
      const box = document.createElement("div");
      box.className = "turnstile-standin";
      box.textContent = `Turnstile (test key ${opts.sitekey})`;
      el.append(box);
      widgets.push({ el, opts });
      run(widgets[widgets.length - 1]);
      return widgets.length - 1;
    },
    reset(id) { run(widgets[id]); },
  };
  const onload = new URL(document.currentScript.src).searchParams.get("onload");
  if (onload && typeof window[onload] === "function") window[onload]();
})();
